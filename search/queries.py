"""Searching posts: who may see what, matching, ranking, snippets, and similar topics.

Permission is decided once per search: ``readable_board_ids`` asks
``forums.permissions.can_view_board`` (through ``forums.queries.visible_boards``) for every
board, and the search only ever looks at documents of those boards, so neither results nor
counts can show anything from a board the member cannot read.

Ranking works in two steps, so that a common word among a million posts stays fast:
1. every document that has all the query's tokens (the GIN index answers that exactly) gets a
   cheap boost from its own row: recency, topic solved, accepted answer, helpful marks, first
   post; the best ``CANDIDATES`` of them are kept. Counts stop at ``COUNT_CAP``, and a word
   found in more posts than that is looked for among recent posts only: a very common word
   (in ``WALK_MIN_FREQUENCY`` of all posts or more, by the planner's statistics) by walking the
   ``created_at`` B-tree newest first until ``COUNT_CAP + 1`` exact matches are found, any
   other in the last months of posting first (``RECENT_WINDOWS``, month lexemes in the GIN);
2. those candidates are checked for the exact phrases (adjacent tokens) and ranked by text
   relevance (title counts more than body) plus the boost.
Pages are bounded: ``MAX_PAGES`` of ``RESULTS_PER_PAGE``; a narrower search finds the rest.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from forums.models import Post, Topic
from forums.queries import visible_boards
from search.snippets import highlight, snippet
from search.tokenise import Term, keywords, query_terms

RESULTS_PER_PAGE = 20
MAX_PAGES = 10
CANDIDATES = RESULTS_PER_PAGE * MAX_PAGES
SIMILAR_LIMIT = 5
SIMILAR_CANDIDATES = 200
RECENCY_DAYS = 180
COUNT_CAP = 1000
RECENT_WINDOWS = (1, 3, 12, None)  # months searched first for common words; None: all
COUNT_WINDOW = 6  # months counted first (cheap in the GIN): more than COUNT_CAP there is enough
# A word in at least this share of all documents is found by walking the newest documents
# (most of them match); at most WALK_ROWS documents are walked before the GIN index is asked.
WALK_MIN_FREQUENCY = 0.2
WALK_ROWS = 20_000


def readable_board_ids(user) -> list[int]:
    return [entry.board.pk for entry in visible_boards(user)]


@dataclass
class SearchFilters:
    board_id: int | None = None
    solved_only: bool = False
    municipality_id: int | None = None
    since: date | None = None
    until: date | None = None
    author_id: int | None = None


@dataclass
class SearchResult:
    post: Post
    title: str  # safe HTML, matches marked
    snippet: str  # safe HTML, matches marked
    score: float


@dataclass
class SearchPage:
    terms: list[Term]
    results: list[SearchResult] = field(default_factory=list)
    # Documents with every token of the query among readable boards, counted up to COUNT_CAP + 1.
    total: int = 0
    page: int = 1
    page_count: int = 0

    @property
    def has_more_than_pages(self) -> bool:
        return self.total > CANDIDATES

    @property
    def total_is_capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def count_cap(self) -> int:
        return COUNT_CAP


# --- Query text per database ---------------------------------------------------------------------


def _tsquery(terms: list[Term], phrases: bool) -> str:
    parts = []
    for term in terms:
        if term.prefix:
            parts.append(f"'{term.tokens[0]}':*")
        else:
            joiner = " <-> " if phrases else " & "
            parts.append("(" + joiner.join(f"'{token}'" for token in term.tokens) + ")")
    return " & ".join(parts)


def _fts5_query(terms: list[Term], column: str = "") -> str:
    parts = []
    for term in terms:
        phrase = '"' + " ".join(term.tokens) + '"'
        parts.append(f"{phrase}*" if term.prefix else phrase)
    query = " AND ".join(parts)
    return f"{{{column}}} : ({query})" if column else query


def _boost_sql(now: datetime) -> tuple[str, list]:
    """The part of the score that needs no text: recency and the forum's own signals."""
    if connection.vendor == "postgresql":
        return (
            "0.1 * d.is_first::int + 0.2 * d.topic_solved::int + 0.5 * d.is_answer::int"
            " + 0.15 * ln(1 + d.helpful_count)"
            " + 0.6 / (1 + extract(epoch from (%s::timestamptz - d.created_at)) / %s)",
            [now, RECENCY_DAYS * 86400],
        )
    return (
        "0.1 * d.is_first + 0.2 * d.topic_solved + 0.5 * d.is_answer"
        " + 0.15 * ln(1 + d.helpful_count)"
        " + 0.6 / (1 + (julianday(%s) - julianday(d.created_at)) / %s)",
        [now.strftime("%Y-%m-%d %H:%M:%S"), RECENCY_DAYS],
    )


def _filter_sql(board_ids: list[int], filters: SearchFilters) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        clauses, params = ["d.board_id = ANY(%s)"], [board_ids]
    else:
        clauses, params = [f"d.board_id IN ({', '.join(['%s'] * len(board_ids))})"], board_ids[:]
    if filters.board_id is not None:
        clauses.append("d.board_id = %s")
        params.append(filters.board_id)
    if filters.solved_only:
        clauses.append("d.topic_solved = %s")
        params.append(True)
    if filters.municipality_id is not None:
        clauses.append("d.municipality_id = %s")
        params.append(filters.municipality_id)
    if filters.author_id is not None:
        clauses.append("d.author_id = %s")
        params.append(filters.author_id)
    dates, date_params = _date_range_sql(filters)
    clauses += dates
    params += date_params
    return " AND ".join(clauses), params


def _date_range_sql(filters: SearchFilters) -> tuple[list[str], list]:
    zone = timezone.get_current_timezone()
    clauses, params = [], []
    if filters.since is not None:
        clauses.append("d.created_at >= %s")
        params.append(datetime.combine(filters.since, time.min, tzinfo=zone))
    if filters.until is not None:
        clauses.append("d.created_at < %s")
        params.append(datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=zone))
    return clauses, params


def _recent_months(newest: datetime, months: int) -> str:
    """The month lexemes of the ``months`` months up to ``newest``'s, OR-ed (see
    indexing.month_token)."""
    year, month = newest.year, newest.month
    names = []
    for _ in range(months):
        names.append(f"'@{year:04d}{month:02d}'")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return "(" + " | ".join(names) + ")"


def _postgresql_ranked(
    cursor, terms, where: str, where_params: list, months: int | None, newest: datetime | None
) -> tuple[list[tuple], int | None]:
    """The ranked candidates among the matches of the last ``months`` months before ``newest``
    (None: of all time), and how many documents matched there (None if no candidate is left
    after the phrase check)."""
    now = timezone.now()
    boost, boost_params = _boost_sql(now)
    matching = _tsquery(terms, phrases=False)
    if months is not None:
        matching = f"{matching} & {_recent_months(newest, months)}"
    phrases = _tsquery(terms, phrases=True)
    sql = f"""
        WITH matches AS MATERIALIZED (
            SELECT d.post_id, {boost} AS boost
            FROM search_postdocument d
            WHERE d.terms @@ %s::tsquery AND {where}
        ), candidates AS (
            SELECT post_id, boost FROM matches ORDER BY boost DESC, post_id DESC LIMIT %s
        )
        SELECT c.post_id, 3 * ts_rank_cd(d.terms, %s::tsquery, 1 | 32) + c.boost AS score,
               (SELECT count(*) FROM matches) AS found
        FROM candidates c JOIN search_postdocument d ON d.post_id = c.post_id
        WHERE d.terms @@ %s::tsquery
        ORDER BY score DESC, c.post_id DESC
    """  # noqa: S608 - only placeholders are interpolated
    params = [*boost_params, matching, *where_params, CANDIDATES, phrases, phrases]
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    return [(post_id, score) for post_id, score, _found in rows], rows[0][2] if rows else None


def _postgresql_count(
    cursor, terms, where: str, where_params: list, months: int | None = None, newest=None
) -> int:
    """Matches (of the last ``months`` months before ``newest``, or of all time) counted up to
    COUNT_CAP + 1: a common word never makes us count a million."""
    matching = _tsquery(terms, phrases=False)
    if months is not None:
        matching = f"{matching} & {_recent_months(newest, months)}"
    sql = f"""
        SELECT count(*) FROM (
            SELECT 1 FROM search_postdocument d WHERE d.terms @@ %s::tsquery AND {where} LIMIT %s
        ) AS capped
    """  # noqa: S608 - only placeholders are interpolated
    cursor.execute(sql, [matching, *where_params, COUNT_CAP + 1])
    return cursor.fetchone()[0]


def _frequency(cursor, terms: list[Term]) -> float:
    """About the share of documents that hold every term, from the statistics ANALYZE keeps on
    the ``terms`` column (its most common lexemes, with the share of rows holding each): a
    phrase is no more frequent than its rarest token, and words are taken as independent. 0
    for a term with a token too rare to be kept there (below ~1-2 % of the documents), or
    before the first ANALYZE."""
    lexemes = sorted({token for term in terms if not term.prefix for token in term.tokens})
    prefixes = sorted({term.tokens[0] + "%" for term in terms if term.prefix})
    cursor.execute(
        """
        SELECT e.lexeme, e.frequency
        FROM pg_stats s,
             unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
                 AS e(lexeme, frequency)
        WHERE s.schemaname = current_schema() AND s.tablename = 'search_postdocument'
          AND s.attname = 'terms' AND (e.lexeme = ANY(%s) OR e.lexeme LIKE ANY(%s))
        """,
        [lexemes, prefixes],
    )
    known = cursor.fetchall()
    frequencies = dict(known)

    def of(term: Term) -> float:
        if term.prefix:  # documents with any token that starts with it: at most the sum
            return min(1.0, sum(f for lexeme, f in known if lexeme.startswith(term.tokens[0])))
        return min(frequencies.get(token, 0.0) for token in term.tokens)

    return math.prod(of(term) for term in terms)


def _postgresql_walk(
    cursor, terms, filters: SearchFilters, where: str, where_params: list
) -> list[tuple] | None:
    """For a very common word: the COUNT_CAP + 1 newest documents that match it exactly
    (walking the created_at B-tree backwards, most documents match), the best CANDIDATES of
    them by boost, ranked. None when fewer than COUNT_CAP + 1 match among the WALK_ROWS newest
    documents: the word is not that common here after all (or the filters are narrow)."""
    boost, boost_params = _boost_sql(timezone.now())
    dates, date_params = _date_range_sql(filters)
    in_range = " AND ".join(dates) or "true"
    phrases = _tsquery(terms, phrases=True)
    sql = f"""
        WITH recent AS MATERIALIZED (
            SELECT d.post_id, {boost} AS boost
            FROM (
                SELECT * FROM search_postdocument d WHERE {in_range}
                ORDER BY d.created_at DESC, d.post_id DESC
                LIMIT %s
            ) AS d
            WHERE {where} AND d.terms @@ %s::tsquery
            ORDER BY d.created_at DESC, d.post_id DESC
            LIMIT %s
        ), candidates AS (
            SELECT post_id, boost FROM recent ORDER BY boost DESC, post_id DESC LIMIT %s
        )
        SELECT c.post_id, 3 * ts_rank_cd(d.terms, %s::tsquery, 1 | 32) + c.boost AS score,
               (SELECT count(*) FROM recent) AS found
        FROM candidates c JOIN search_postdocument d ON d.post_id = c.post_id
        ORDER BY score DESC, c.post_id DESC
    """  # noqa: S608 - only placeholders are interpolated
    params = [
        *boost_params,
        *date_params,
        WALK_ROWS,
        *where_params,
        phrases,
        COUNT_CAP + 1,
        CANDIDATES,
        phrases,
    ]
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    if not rows or rows[0][2] <= COUNT_CAP:
        return None
    return [(post_id, score) for post_id, score, _found in rows]


def _newest(cursor, filters: SearchFilters) -> datetime | None:
    """When the newest document (within the date filters) was written: recent months are
    counted back from there, so that a quiet forum still has a "last month"."""
    dates, date_params = _date_range_sql(filters)
    cursor.execute(
        "SELECT max(d.created_at) FROM search_postdocument d "  # noqa: S608
        f"WHERE {' AND '.join(dates) or 'true'}",
        date_params,
    )
    return cursor.fetchone()[0]


def _postgresql_ranked_ids(
    cursor, terms, filters: SearchFilters, where: str, where_params: list
) -> tuple[list[tuple], int]:
    narrow = filters.author_id is not None or filters.municipality_id is not None
    if not narrow and _frequency(cursor, terms) >= WALK_MIN_FREQUENCY:
        walked = _postgresql_walk(cursor, terms, filters, where, where_params)
        if walked is not None:
            return walked, COUNT_CAP + 1
    newest = None if filters.since else _newest(cursor, filters)
    if newest is None:  # nothing to search, or a date filter: all time, counted
        rows, _found = _postgresql_ranked(cursor, terms, where, where_params, None, None)
        return rows, _postgresql_count(cursor, terms, where, where_params)
    # The last month first: if more than COUNT_CAP match there (or in the last COUNT_WINDOW
    # months), the word is common and its matches of all time need not be counted.
    first, *wider = RECENT_WINDOWS
    rows, found = _postgresql_ranked(cursor, terms, where, where_params, first, newest)
    if found is not None and found > COUNT_CAP:
        total = COUNT_CAP + 1
    else:
        total = 0
        if found is not None and found * COUNT_WINDOW > COUNT_CAP:  # likely enough there
            total = _postgresql_count(cursor, terms, where, where_params, COUNT_WINDOW, newest)
        if total <= COUNT_CAP:
            total = _postgresql_count(cursor, terms, where, where_params)
        if total <= COUNT_CAP:  # a rare word: all its matches are ranked
            wider = [None]
            rows = []
    for months in wider:
        if len(rows) >= CANDIDATES:
            break
        rows, _found = _postgresql_ranked(cursor, terms, where, where_params, months, newest)
    return rows, total


def _ranked_ids(
    terms: list[Term], board_ids: list[int], filters: SearchFilters
) -> tuple[list[tuple[int, float]], int]:
    """(post id, score) of the best candidates, best first, and the number of matches (capped).

    On PostgreSQL a word found in more than COUNT_CAP posts is looked for among recent posts
    only: a very common one among its newest matches (``_postgresql_walk``), any other among
    the posts of the last few months of posting (the GIN index intersects it with their month
    lexemes, so older matches are never read), widening only when too few are found there.
    JIT compilation (it would cost more than these queries take; a guard against a plan the
    planner overprices) and sequential scans (which it underprices for ``@@`` on out-of-line
    vectors) are off for these queries."""
    where, where_params = _filter_sql(board_ids, filters)
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('enable_seqscan')")
            jit, seqscan = cursor.fetchone()
            cursor.execute(
                "SELECT set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true)"
            )
            rows, total = _postgresql_ranked_ids(cursor, terms, filters, where, where_params)
            cursor.execute(
                "SELECT set_config('jit', %s, true), set_config('enable_seqscan', %s, true)",
                [jit, seqscan],
            )
        return [(post_id, score) for post_id, score in rows], total
    boost, boost_params = _boost_sql(timezone.now())
    sql = f"""
        WITH matches AS MATERIALIZED (
            SELECT rowid AS post_id, bm25(search_postterms, 4.0, 1.0) AS bm25
            FROM search_postterms WHERE search_postterms MATCH %s
        )
        SELECT d.post_id, count(*) OVER () AS total, -0.3 * m.bm25 + {boost} AS score
        FROM matches m JOIN search_postdocument d ON d.post_id = m.post_id
        WHERE {where}
        ORDER BY score DESC, d.post_id DESC
        LIMIT %s
    """  # noqa: S608 - only placeholders are interpolated
    params = [_fts5_query(terms), *boost_params, *where_params, CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = min(rows[0][1], COUNT_CAP + 1) if rows else 0
    return [(post_id, score) for post_id, _total, score in rows], total


def _posts_by_id(ids: list[int]) -> dict[int, Post]:
    posts = Post.objects.filter(pk__in=ids, deleted_at__isnull=True)
    if any(f.name == "hidden_at" for f in Post._meta.get_fields()):
        posts = posts.filter(hidden_at__isnull=True)
    posts = posts.select_related("topic__board", "author", "author_municipality").defer("html")
    return {post.pk: post for post in posts}


def search(
    board_ids: list[int], query: str, filters: SearchFilters | None = None, page: int = 1
) -> SearchPage:
    """One page of posts matching ``query`` in the given (readable) boards. Two queries."""
    filters = filters or SearchFilters()
    terms = query_terms(query)
    result = SearchPage(terms=terms, page=page)
    if filters.board_id is not None and filters.board_id not in board_ids:
        return result
    if not terms or not board_ids:
        return result
    ranked, result.total = _ranked_ids(terms, board_ids, filters)
    result.page_count = min(MAX_PAGES, -(-len(ranked) // RESULTS_PER_PAGE))
    result.page = page = max(1, min(page, result.page_count or 1))
    shown = ranked[(page - 1) * RESULTS_PER_PAGE : page * RESULTS_PER_PAGE]
    posts = _posts_by_id([post_id for post_id, _score in shown])
    for post_id, score in shown:
        post = posts.get(post_id)
        if post is not None:
            result.results.append(
                SearchResult(
                    post=post,
                    title=highlight(post.topic.title, terms),
                    snippet=snippet(post.body, terms),
                    score=score,
                )
            )
    return result


# --- Similar topics ------------------------------------------------------------------------------


def similar_topics(board_ids: list[int], title: str, board_id: int | None = None) -> list[dict]:
    """Topics whose titles share words with ``title``: any word counts, more words rank higher,
    solved topics and the same board first. One query."""
    terms = keywords(title)
    if not terms or not board_ids:
        return []
    where, where_params = _filter_sql(board_ids, SearchFilters())
    if connection.vendor == "postgresql":
        query = " | ".join(_tsquery([term], phrases=True) for term in terms)
        sql = f"""
            SELECT d.topic_id FROM search_postdocument d
            WHERE d.is_first AND d.title_terms @@ %s::tsquery AND {where}
            ORDER BY ts_rank(d.title_terms, %s::tsquery, 1) + 0.3 * d.topic_solved::int
                     + 0.1 * (d.board_id = %s)::int DESC, d.created_at DESC
            LIMIT %s
        """  # noqa: S608 - only placeholders are interpolated
        params = [query, *where_params, query, board_id or 0, SIMILAR_LIMIT]
    else:
        query = "{title} : (" + " OR ".join(_fts5_query([term]) for term in terms) + ")"
        sql = f"""
            WITH matches AS MATERIALIZED (
                SELECT rowid AS post_id, bm25(search_postterms, 1.0, 0.0) AS bm25
                FROM search_postterms WHERE search_postterms MATCH %s
            )
            SELECT d.topic_id FROM matches m
            JOIN search_postdocument d ON d.post_id = m.post_id
            WHERE d.is_first AND {where}
            ORDER BY -m.bm25 + 2 * d.topic_solved
                     + (d.board_id = %s) DESC, d.created_at DESC
            LIMIT %s
        """  # noqa: S608 - only placeholders are interpolated
        params = [query, *where_params, board_id or 0, SIMILAR_LIMIT]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        topic_ids = [row[0] for row in cursor.fetchall()]
    return _topic_summaries(topic_ids, terms)


def _topic_summaries(topic_ids: list[int], terms: list[Term]) -> list[dict]:
    topics = Topic.objects.filter(pk__in=topic_ids).select_related("board")
    by_id = {topic.pk: topic for topic in topics}
    return [
        {
            "title": by_id[pk].title,
            "title_html": str(highlight(by_id[pk].title, terms)),
            "url": by_id[pk].get_absolute_url(),
            "board": by_id[pk].board.name,
            "solved": by_id[pk].is_solved,
            "replies": by_id[pk].reply_count,
        }
        for pk in topic_ids
        if pk in by_id
    ]
