"""Searching posts: who may see what, matching, ranking, snippets, and similar topics.

Permission is decided once per search: ``readable_board_ids`` asks
``forums.permissions.can_view_board`` (through ``forums.queries.visible_boards``) for every
board, and the search only ever looks at documents of those boards, so neither results nor
counts can show anything from a board the member cannot read.

Ranking works in two steps, so that a common word among a million posts stays fast:
1. every document that has all the query's tokens (the GIN index answers that exactly) gets a
   cheap boost from its own row: recency, topic solved, accepted answer, helpful marks, first
   post; the best ``CANDIDATES`` of them are kept, and all matches are counted on the way;
2. those candidates are checked for the exact phrases (adjacent tokens) and ranked by text
   relevance (title counts more than body) plus the boost.
Pages are bounded: ``MAX_PAGES`` of ``RESULTS_PER_PAGE``; a narrower search finds the rest.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from forums.models import Post
from forums.queries import visible_boards
from search.snippets import highlight, snippet
from search.tokenise import Term, keywords, query_terms

RESULTS_PER_PAGE = 20
MAX_PAGES = 10
CANDIDATES = RESULTS_PER_PAGE * MAX_PAGES
SIMILAR_LIMIT = 5
SIMILAR_CANDIDATES = 200
RECENCY_DAYS = 180


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
    total: int = 0  # all documents with every token of the query, among readable boards
    page: int = 1
    page_count: int = 0

    @property
    def has_more_than_pages(self) -> bool:
        return self.total > CANDIDATES


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
    zone = timezone.get_current_timezone()
    if filters.since is not None:
        clauses.append("d.created_at >= %s")
        params.append(datetime.combine(filters.since, time.min, tzinfo=zone))
    if filters.until is not None:
        clauses.append("d.created_at < %s")
        params.append(datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=zone))
    return " AND ".join(clauses), params


def _ranked_ids(
    terms: list[Term], board_ids: list[int], filters: SearchFilters
) -> tuple[list[tuple[int, float]], int]:
    """(post id, score) of the best candidates, best first, and the number of matches."""
    where, where_params = _filter_sql(board_ids, filters)
    boost, boost_params = _boost_sql(timezone.now())
    if connection.vendor == "postgresql":
        sql = f"""
            WITH candidates AS (
                SELECT d.post_id, {boost} AS boost, count(*) OVER () AS total
                FROM search_postdocument d
                WHERE d.terms @@ %s::tsquery AND {where}
                ORDER BY boost DESC, d.post_id DESC
                LIMIT %s
            )
            SELECT c.post_id, c.total,
                   3 * ts_rank_cd(d.terms, %s::tsquery, 1 | 32) + c.boost AS score
            FROM candidates c JOIN search_postdocument d ON d.post_id = c.post_id
            WHERE d.terms @@ %s::tsquery
            ORDER BY score DESC, c.post_id DESC
        """  # noqa: S608 - only placeholders are interpolated
        phrases = _tsquery(terms, phrases=True)
        params = [
            *boost_params,
            _tsquery(terms, phrases=False),
            *where_params,
            CANDIDATES,
            phrases,
            phrases,
        ]
    else:
        sql = f"""
            SELECT d.post_id, count(*) OVER () AS total,
                   -0.3 * bm25(search_postterms, 4.0, 1.0) + {boost} AS score
            FROM search_postterms JOIN search_postdocument d ON d.post_id = search_postterms.rowid
            WHERE search_postterms MATCH %s AND {where}
            ORDER BY score DESC, d.post_id DESC
            LIMIT %s
        """  # noqa: S608 - only placeholders are interpolated
        params = [*boost_params, _fts5_query(terms), *where_params, CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = rows[0][1] if rows else 0
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
            SELECT d.topic_id FROM search_postterms
            JOIN search_postdocument d ON d.post_id = search_postterms.rowid
            WHERE search_postterms MATCH %s AND d.is_first AND {where}
            ORDER BY -bm25(search_postterms, 1.0, 0.0) + 2 * d.topic_solved
                     + (d.board_id = %s) DESC, d.created_at DESC
            LIMIT %s
        """  # noqa: S608 - only placeholders are interpolated
        params = [query, *where_params, board_id or 0, SIMILAR_LIMIT]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        topic_ids = [row[0] for row in cursor.fetchall()]
    return _topic_summaries(topic_ids, terms)


def _topic_summaries(topic_ids: list[int], terms: list[Term]) -> list[dict]:
    from forums.models import Topic

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
