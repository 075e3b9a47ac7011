"""Searching posts: who may see what, matching, ranking, snippets, and similar topics.

Permission is decided once per search: ``readable_board_ids`` asks
``forums.permissions.can_view_board`` (through ``forums.queries.visible_boards``) for every
board, and the search only ever looks at documents of those boards, so neither results nor
counts can show anything from a board the member cannot read.

Every query is read as a question (``search.analysis``): a list of concepts, each with
alternatives in tiers (as typed, another form of the same word, a related word or a reading).
Ranking is by coverage, BM25-style: each concept weighs its inverse document frequency, so a
rare concept counts more than a common one; a concept found as typed counts fully, by another
form 0.8, by a related word or reading 0.6; a concept in the topic's title counts half again.
A post is a match when it covers enough of the question's weight (all of a one-word query,
half of a two-concept one, 30 % of a longer question); the accepted answer, "solved" and
helpful marks add a little, recency only breaks ties. The count is the number of matches
ranked, so the count and the list always agree ("more than 1,000" when only the best matches
of a common word were scored).

Candidates: on SQLite (the embedded default, a small site) every post that holds any concept
is scored. On PostgreSQL, at a million posts, every post holding a rare concept is scored, and
for common concepts (as typed or written otherwise) the best posts in a precomputed quality
order (accepted answer, helpful marks, then newest; a B-tree walked backwards, or the GIN
matches sorted, whichever reads less) among those that hold all of the question's heaviest
concepts, any two of them, or one of them in the title: an old exact answer is never dropped
for its age alone.
"""

import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import combinations

from django.db import connection, transaction
from django.utils import timezone

from forums.models import Post, Topic
from forums.queries import visible_boards
from search.analysis import RELATED, TYPED, VARIANT, Concept, Matcher, Question, analyse_question
from search.snippets import highlight, snippet
from search.tokenise import Term, normalise

RESULTS_PER_PAGE = 20
MAX_PAGES = 10
CANDIDATES = RESULTS_PER_PAGE * MAX_PAGES
SIMILAR_LIMIT = 5
CLOSE_MATCH = 0.7  # of the best topic's score: a similar topic that close may be put first
COUNT_CAP = 1000
SCORED_CONCEPTS = 12  # the heaviest concepts of a long question are scored
RARE_LIMIT = 500  # a concept in at most this many posts: all of them are candidates
PER_STRATEGY = 150  # candidates per strategy for common concepts (PostgreSQL)
HEAVIEST = 4
# The first matches of a strategy in the quality order are found either by walking the quality
# B-tree and checking each post's words (about WALK_ROW_COST times the work per post of
# reading a match from the GIN index and sorting it, since the words are stored out of line),
# or by reading every match from the GIN index and sorting them. A walk reads about
# limit × documents / matches posts, so it is chosen when the expected matches exceed
# sqrt(WALK_ROW_COST × limit × documents): 39,000 at a million posts. It stops after
# WALK_ROWS posts whatever it found (the estimate assumes concepts occur independently).
WALK_ROW_COST = 10
# A GIN strategy expected to match more than this many times its limit first reads the
# answers' own index (search.indexing.ANSWER_TERMS_INDEX). Low, because a concept counted up to
# RARE_LIMIT + 1 may match far more (ガバメントクラウド's bigrams: counted 501, matching 8,788),
# and a try that finds too few answers costs a millisecond or two.
ANSWERS_FIRST = 3
# The share of posts that are accepted answers when the index has no statistics yet.
ANSWER_SHARE = 0.03
WALK_ROWS = 2_000
UNPACK_ONCE = 6  # forms checked per candidate above which its words are unpacked once
TITLE_SHARE = 0.1  # about one post in ten is a topic's first
TIER_FACTOR = {TYPED: 1.0, VARIANT: 0.8, RELATED: 0.6}
TITLE_BONUS = 0.5


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
    terms: list[Term]  # what is marked in titles and snippets
    results: list[SearchResult] = field(default_factory=list)
    # The matches ranked, counted up to COUNT_CAP + 1.
    total: int = 0
    page: int = 1
    page_count: int = 0
    question: Question | None = None

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


def _pg_matcher(matcher: Matcher, phrases: bool = True) -> str:
    if matcher.prefix:
        return f"'{matcher.tokens[0]}':*"
    joiner = " <-> " if phrases else " & "
    return "(" + joiner.join(f"'{token}'" for token in matcher.tokens) + ")"


def _pg_any(alternatives: list[tuple[Matcher, ...]], phrases: bool = True) -> str:
    return (
        "("
        + " | ".join(
            "(" + " & ".join(_pg_matcher(m, phrases) for m in alternative) + ")"
            for alternative in alternatives
        )
        + ")"
    )


def _fts_matcher(matcher: Matcher) -> str:
    return '"' + " ".join(matcher.tokens) + '"' + ("*" if matcher.prefix else "")


def _fts_any(alternatives: list[tuple[Matcher, ...]]) -> str:
    return (
        "("
        + " OR ".join(
            "(" + " AND ".join(_fts_matcher(m) for m in alternative) + ")"
            for alternative in alternatives
        )
        + ")"
    )


def _alternatives(concept: Concept, up_to: int = RELATED) -> list[tuple[Matcher, ...]]:
    return [alt for tier in (TYPED, VARIANT, RELATED) if tier <= up_to
            for alt in concept.alternatives.get(tier, [])]  # fmt: skip


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
    if filters.until is not None and filters.until < date.max:
        clauses.append("d.created_at < %s")
        params.append(datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=zone))
    return clauses, params


# --- Scoring (the same on both databases) --------------------------------------------------------


@dataclass
class _Hit:
    """What a candidate holds: per concept the best tier found (0: none) and whether the
    topic's title holds it, plus the forum's signals."""

    post_id: int
    tiers: list[int]
    titles: list[bool]
    is_answer: bool
    topic_solved: bool
    helpful_count: int
    created_at: float  # seconds since the epoch


def _idf(matches: float, total: float) -> float:
    return math.log(1 + (total - matches + 0.5) / (matches + 0.5))


def _floor(concepts: int) -> float:
    return 1.0 if concepts == 1 else 0.5 if concepts == 2 else 0.3


Counts = dict[int, float]  # tier → documents holding the concept in that tier or a better one


def _tier_weights(concept: Concept, counts: Counts, documents: int) -> dict[int, float]:
    """What finding a concept in each tier is worth: the concept's inverse document frequency
    (from its best tier that any post holds), but never more than that of the tier itself, so
    that a broad related word (住民 for 住民票) is worth what it says."""
    present = [tier for tier in sorted(counts) if counts[tier] > 0]
    if not present:
        return {}
    full = _idf(counts[present[0]], documents) * concept.importance
    return {tier: min(full, _idf(counts[tier], documents) * concept.importance) for tier in present}


def _ranked(
    concepts: list[Concept], weights: list[dict[int, float]], hits: list[_Hit]
) -> list[tuple[int, float]]:
    """(post id, score) of the hits that cover enough of the question, best first."""
    full = [max(tiers.values(), default=0.0) for tiers in weights]
    total_weight = sum(full) or 1.0
    counted = sum(1 for weight in full if weight > 0)
    floor = _floor(counted) * total_weight - 1e-9
    if counted == 2 and not any(
        all(tier in tiers for tiers, tier in zip(weights, hit.tiers, strict=True) if tiers)
        for hit in hits
    ):
        # Two words that no post holds together (R6年度 接種): a post with either one is worth
        # showing, the rarer word's first; otherwise the common word's posts would all vanish.
        floor = min(weight for weight in full if weight > 0) - 1e-9
    newest = max((hit.created_at for hit in hits), default=None)
    scored = []
    for hit in hits:
        if any(c.required and tier != TYPED for c, tier in zip(concepts, hit.tiers, strict=True)):
            continue
        covered = text = 0.0
        for tiers, tier, in_title in zip(weights, hit.tiers, hit.titles, strict=True):
            if tier and tier in tiers:
                covered += tiers[tier]
                text += tiers[tier] * TIER_FACTOR[tier] * (1 + TITLE_BONUS * in_title)
        if covered <= 0 or (counted > 1 and covered < floor):
            continue
        age_days = (newest - hit.created_at) / 86400
        score = (
            text / total_weight
            + 0.15 * hit.is_answer
            + 0.05 * hit.topic_solved
            + 0.03 * math.log1p(hit.helpful_count)
            + 0.001 / (1 + age_days / 365)  # recency: a tie-breaker only
        )
        scored.append((hit.post_id, score))
    scored.sort(key=lambda item: (-item[1], -item[0]))
    return scored


# --- PostgreSQL ----------------------------------------------------------------------------------

QUALITY_ORDER = "d.is_answer DESC, d.helpful_count DESC, d.created_at DESC, d.post_id DESC"
WALK_SQL = (
    "SELECT d.post_id FROM (SELECT * FROM search_postdocument d WHERE {where} ORDER BY {order} "
    "LIMIT %s) AS d WHERE d.{column} @@ %s::tsquery LIMIT %s"
)
# The same order written so that no index serves it: a rarer query reads its matches from the
# GIN index and sorts them, instead of walking the whole quality order for a few matches.
GIN_ORDER = "d.is_answer::int DESC, d.helpful_count + 0 DESC, d.created_at DESC, d.post_id DESC"
GIN_SQL = (
    "SELECT d.post_id FROM search_postdocument d WHERE d.{column} @@ %s::tsquery AND {where} "
    "ORDER BY {gin_order} LIMIT %s"
)


@dataclass(frozen=True)
class _Statistics:
    """What ANALYZE found in the index: the share of documents holding each of the most
    common lexemes (``lexemes`` sorted, for prefixes), and the share of accepted answers."""

    frequencies: dict[str, float]
    lexemes: list[str]
    answer_share: float | None
    present: bool  # whether the words have statistics at all

    def prefixed(self, prefix: str) -> float:
        """The summed share of the common lexemes that start with ``prefix``."""
        first = bisect_left(self.lexemes, prefix)
        last = bisect_left(self.lexemes, prefix + "\U0010ffff")
        return sum(self.frequencies[lexeme] for lexeme in self.lexemes[first:last])


# ANALYZE's statistics of the index, per database and table, kept until the next ANALYZE: with
# 10,000 common lexemes (see migration 0008) reading them through pg_stats for every search
# would cost more than the rest of a short query's estimates.
_statistics: dict[tuple, _Statistics] = {}


def _pg_statistics(cursor, key: list[int], keep: bool) -> _Statistics:
    """The index's statistics, read again only when ANALYZE has run since (``key``: the
    table and its ANALYZE counters, read with the search's first statement). ``keep``: False
    inside a transaction that may still be rolled back, with an ANALYZE of its own (tests):
    the counters of an ANALYZE survive a rollback, its statistics do not."""
    cache_key = (connection.settings_dict["NAME"], *key)
    known = _statistics.get(cache_key) if keep else None
    if known is not None:
        return known
    cursor.execute(
        """
        SELECT s.attname,
               CASE WHEN s.attname = 'terms' THEN s.most_common_elems::text::text[] END,
               CASE WHEN s.attname = 'terms' THEN s.most_common_elem_freqs END,
               CASE WHEN s.attname = 'is_answer' THEN s.most_common_freqs[
                   array_position(s.most_common_vals::text::boolean[], true)] END
        FROM pg_stats s
        WHERE s.schemaname = current_schema() AND s.tablename = 'search_postdocument'
          AND s.attname IN ('terms', 'is_answer')
        """
    )
    frequencies, answer_share, present = {}, None, False
    for column, lexemes, shares, answers in cursor.fetchall():
        if column == "terms" and lexemes is not None:
            # The frequencies end with three more figures (lowest, highest, empty share).
            frequencies = dict(zip(lexemes, shares[: len(lexemes)], strict=True))
            present = True
        elif column == "is_answer":
            answer_share = answers
    found = _Statistics(frequencies, sorted(frequencies), answer_share, present)
    if keep:
        if len(_statistics) > 16:
            _statistics.clear()
        _statistics[cache_key] = found
    return found


def _pg_document_count(estimate: int | None, cursor) -> int:
    if estimate and estimate > 0:
        return estimate
    cursor.execute("SELECT count(*) FROM search_postdocument")
    return cursor.fetchone()[0]


def _pg_matches(
    cursor, concepts: list[Concept], documents: int, statistics: _Statistics
) -> tuple[list[Counts], dict[str, float]]:
    """About how many documents hold each concept, tier by tier: estimated from the
    statistics (a lexeme missing from the most common ones is taken as rare), and counted (up
    to RARE_LIMIT + 1, all counts in one query) when that estimate says it is rare or there are
    no statistics yet. Also the share of documents holding each common lexeme."""
    matchers = [m for c in concepts for alt in _alternatives(c) for m in alt]
    tokens = {t for m in matchers if not m.prefix for t in m.tokens}
    # A prefix (a single character, a reading) is estimated from the common lexemes that
    # start with it: counting its matches would read every one of them from the index.
    prefixes = {m.tokens[0] for m in matchers if m.prefix}
    known = statistics.frequencies
    frequencies = {t: known[t] for t in tokens if t in known}
    prefixed = {p: statistics.prefixed(p) for p in prefixes}
    have_statistics = statistics.present
    found: list[Counts] = []
    to_count: list[tuple[int, int, str]] = []
    for index, concept in enumerate(concepts):
        counts: Counts = {}
        estimate = 0.0
        for tier in (TYPED, VARIANT, RELATED):
            if not concept.alternatives.get(tier):
                continue
            for alternative in concept.alternatives[tier]:
                estimate += min(
                    min(frequencies.get(t, 0.0) for t in m.tokens)
                    if not m.prefix
                    else prefixed[m.tokens[0]]
                    for m in alternative
                )
            if have_statistics and min(1.0, estimate) * documents > RARE_LIMIT:
                counts[tier] = min(1.0, estimate) * documents
            else:
                to_count.append((index, tier, _pg_any(_alternatives(concept, tier), False)))
        found.append(counts)
    if to_count:
        counting = ", ".join(
            "(SELECT count(*) FROM (SELECT 1 FROM search_postdocument d "
            "WHERE d.terms @@ %s::tsquery LIMIT %s) AS capped)"
            for _entry in to_count
        )
        params = [value for *_where, query in to_count for value in (query, RARE_LIMIT + 1)]
        cursor.execute(f"SELECT {counting}", params)
        for (index, tier, _query), count in zip(to_count, cursor.fetchone(), strict=True):
            found[index][tier] = float(count)
    return found, frequencies


def _lean(concept: Concept, frequencies: dict[str, float]) -> str:
    """The concept as typed or written otherwise, as the candidate strategies look for it: the
    form as typed whole, every other form by its rarest bigram or lexeme alone.

    A GIN scan visits every document that holds any lexeme rarer than the point where the
    query can no longer match (PostgreSQL's "required" entries), so each extra form brings
    its own mid-frequency bigrams into the scan (電子 and 子メ of 電子メール, 予診 of
    予診票付き接種券): at a million posts a question's strategy read 150 ms of posting lists
    for 146 matches. By its rarest bigram a form costs only its own few documents. The
    strategies only choose candidates, which are then scored against every form in full."""
    alternatives = list(concept.alternatives.get(TYPED, []))
    for alternative in concept.alternatives.get(VARIANT, []):
        words = [(frequencies.get(t, 0.0), t) for m in alternative if not m.prefix
                 for t in m.tokens]  # fmt: skip
        alternatives.append((Matcher((min(words)[1],)),) if words else alternative)
    return _pg_any(list(dict.fromkeys(alternatives)), phrases=False)


def _pg_candidates(
    cursor,
    concepts,
    counts: list[Counts],
    documents: int,
    where,
    where_params,
    answer_share: float = 0.0,
    frequencies: dict[str, float] | None = None,
) -> tuple[list[int], bool]:
    """Post ids worth scoring (see the module docstring), and whether a strategy was cut at
    its limit (more posts match than were scored)."""
    matches = [max(tiers.values(), default=0.0) for tiers in counts]
    # Concepts no post holds cannot help: the rarest of the others weigh most.
    order = sorted((i for i in range(len(concepts)) if matches[i] > 0), key=lambda i: matches[i])
    rare = [i for i in order if matches[i] <= RARE_LIMIT]
    # A rare concept brings every post that holds it in any form. The strategies for common
    # ones look for a word as typed or written otherwise: a related word alone (会議録 for
    # 議事録) is weaker evidence, and its posting lists would widen every strategy.
    loose = [_pg_any(_alternatives(c), phrases=False) for c in concepts]
    close = [_lean(c, frequencies or {}) for c in concepts]
    close_matches = [
        max((n for tier, n in tiers.items() if tier <= VARIANT), default=0.0) for tiers in counts
    ]
    if not any(close_matches[i] > 0 for i in order):  # only related words are found
        close, close_matches = loose, matches
    heaviest = sorted((i for i in order if close_matches[i] > 0), key=lambda i: close_matches[i])
    heaviest = heaviest[:HEAVIEST]
    shares = [min(1.0, found / max(documents, 1)) for found in close_matches]
    found: list[int] = []
    truncated = False

    def run(query: str, share: float, limit: int = PER_STRATEGY, titles: bool = False) -> None:
        """The first ``limit`` matches in the quality order: a common query walks the
        quality B-tree (at most WALK_ROWS rows), any other reads its matches from the GIN.
        ``titles``: topics whose title matches (first posts only, with B-tree of their own)."""
        nonlocal truncated
        column = "title_terms" if titles else "terms"
        scope = f"d.is_first AND {where}" if titles else where
        expected = share * documents
        if _walks(expected, limit, documents, 0.0 if titles else answer_share):
            params = [*where_params, WALK_ROWS, query, limit]
            rows = _strategy_rows(cursor, WALK_SQL, params, scope, column)
        else:
            params = [query, *where_params, limit]
            rows = []
            if not titles and share * documents > ANSWERS_FIRST * limit:
                # Thousands of matches: the quality order puts answers first, so if enough
                # answers match they are the first ``limit`` matches; they come from the
                # answers' own index without visiting every match's row (18,000 rows of
                # RPA 文書 at a million posts: 68 ms against 6 ms).
                rows = _strategy_rows(cursor, GIN_SQL, params, f"d.is_answer AND {where}", column)
            if len(rows) < limit:
                rows = _strategy_rows(cursor, GIN_SQL, params, scope, column)
        truncated = truncated or len(rows) >= limit
        found.extend(rows)

    if rare:
        run(" | ".join(loose[i] for i in rare), 0.0, RARE_LIMIT * 2)
    if len(rare) < len(order):
        run(" & ".join(close[i] for i in heaviest), math.prod(shares[i] for i in heaviest))
        if len(heaviest) >= 3:
            pairs = list(combinations(heaviest, 2))
            query = " | ".join(f"({close[a]} & {close[b]})" for a, b in pairs)
            run(query, min(1.0, sum(shares[a] * shares[b] for a, b in pairs)))
        elif not rare and len(heaviest) > 1:
            run(close[heaviest[0]], shares[heaviest[0]])
        title_share = min(1.0, sum(shares[i] for i in heaviest)) * TITLE_SHARE
        run(" | ".join(close[i] for i in heaviest), title_share, titles=True)
    return list(dict.fromkeys(found)), truncated


def _walks(expected: float, limit: int, documents: int, answer_share: float) -> bool:
    """Whether a strategy expected to match ``expected`` posts walks the quality order rather
    than reading its matches from a GIN index.

    A GIN read costs a row per match; a walk WALK_ROW_COST per row walked, about limit × posts
    ÷ matches. When enough answers match (``answer_share`` of the matches, 0 when the answers'
    index does not apply), a GIN read costs a row per matching answer only, and walking pays
    off much later: at a million posts from about 220,000 matches instead of 39,000.
    """
    if answer_share * expected < limit:
        return expected > math.sqrt(WALK_ROW_COST * limit * documents)
    walked = min(WALK_ROWS, limit * documents / expected)
    return answer_share * expected > WALK_ROW_COST * walked


def _strategy_rows(cursor, sql: str, params: list, where: str, column: str) -> list[int]:
    """Post ids of one candidate strategy (WALK_SQL or GIN_SQL) over ``where``."""
    sql = sql.format(column=column, where=where, order=QUALITY_ORDER, gin_order=GIN_ORDER)
    cursor.execute(sql, params)
    return [row[0] for row in cursor.fetchall()]


def _pg_hits(cursor, concepts: list[Concept], post_ids: list[int], scored: set[int]) -> list[_Hit]:
    """What each candidate holds of the ``scored`` concepts (the others count for nothing:
    no post holds them, or a long question's lightest)."""
    tier_cases, params, checks = [], [], 0
    for index, concept in enumerate(concepts):
        whens = []
        for tier in (TYPED, VARIANT, RELATED):
            if concept.alternatives.get(tier) and index in scored:
                whens.append(f"WHEN d.t @@ %s::tsquery THEN {tier}")
                params.append(_pg_any(concept.alternatives[tier]))
        tier_cases.append(f"CASE {' '.join(whens)} ELSE 0 END" if whens else "0")
        checks += len(whens)
    title_cases = []
    for index, concept in enumerate(concepts):
        if index in scored:
            title_cases.append("(d.is_first AND d.title_terms @@ %s::tsquery)")
            params.append(_pg_any(_alternatives(concept)))
        else:
            title_cases.append("false")
    # A post's words are stored out of line (TOAST) and every match reads them back again
    # (~3 µs each at a million posts); a copy reads them once but costs ~20 µs. A question
    # checks dozens of forms per post, a keyword a few.
    words = "d.terms || ''::tsvector" if checks > UNPACK_ONCE else "d.terms"
    sql = f"""
        SELECT d.post_id, ARRAY[{", ".join(tier_cases)}], ARRAY[{", ".join(title_cases)}],
               d.is_answer, d.topic_solved, d.helpful_count,
               extract(epoch FROM d.created_at)::float8
        FROM (
            SELECT d.*, {words} AS t FROM search_postdocument d
            WHERE d.post_id = ANY(%s) OFFSET 0
        ) AS d
    """  # noqa: S608 - placeholders only
    cursor.execute(sql, [*params, post_ids])
    return [_Hit(*row) for row in cursor.fetchall()]


def _pg_search(concepts, where, where_params) -> tuple[list[_Hit], list[Counts], int, bool]:
    """The candidates' hits, how many documents hold each concept, how many there are."""
    # Settings made with set_config(…, true) end with the transaction; inside an outer one
    # (a request in a transaction, a test) they are put back at the end.
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('enable_seqscan'), "
            "current_setting('max_parallel_workers_per_gather'), "
            "set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true), "
            "(SELECT reltuples::bigint FROM pg_class "
            "WHERE oid = 'search_postdocument'::regclass), "
            # Counters read within a transaction are kept until its end: a search after an
            # ANALYZE in the same transaction must see that it ran.
            "pg_stat_clear_snapshot(), "
            "(SELECT ARRAY[oid::bigint, pg_stat_get_analyze_count(oid), "
            "pg_stat_get_autoanalyze_count(oid), "
            "coalesce(extract(epoch FROM greatest(pg_stat_get_last_analyze_time(oid), "
            "pg_stat_get_last_autoanalyze_time(oid))), 0)::bigint] "
            "FROM pg_class WHERE oid = 'search_postdocument'::regclass)"
        )
        jit, seqscan, parallel, *_set, estimate, _cleared, key = cursor.fetchone()
        documents = _pg_document_count(estimate, cursor)
        statistics = _pg_statistics(cursor, key, keep=not nested)
        matches, frequencies = _pg_matches(cursor, concepts, documents, statistics)
        # The share of accepted answers, from ANALYZE's statistics of the column (an index's
        # reltuples is no count of rows for a partial GIN index).
        answer_share = statistics.answer_share
        if answer_share is None:
            answer_share = ANSWER_SHARE
        post_ids, truncated = _pg_candidates(
            cursor, concepts, matches, documents, where, where_params, answer_share, frequencies
        )
        weights = _weights(concepts, matches, documents)
        scored = {i for i, tiers in enumerate(weights) if tiers or concepts[i].required}
        hits = _pg_hits(cursor, concepts, post_ids, scored) if post_ids else []
        if nested:
            cursor.execute(
                "SELECT set_config('jit', %s, true), set_config('enable_seqscan', %s, true), "
                "set_config('max_parallel_workers_per_gather', %s, true)",
                [jit, seqscan, parallel],
            )
    return hits, matches, documents, truncated


# --- SQLite (FTS5) -------------------------------------------------------------------------------


def _fts_ids(cursor, query: str) -> set[int]:
    cursor.execute("SELECT rowid FROM search_postterms WHERE search_postterms MATCH %s", [query])
    return {row[0] for row in cursor.fetchall()}


def _sqlite_search(concepts, where, where_params) -> tuple[list[_Hit], list[Counts], int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_postdocument")
        documents = cursor.fetchone()[0]
        tier_ids, title_ids, matches = [], [], []
        for concept in concepts:
            by_tier = {
                tier: _fts_ids(cursor, _fts_any(alternatives))
                for tier, alternatives in concept.alternatives.items()
            }
            tier_ids.append(by_tier)
            every = set().union(*by_tier.values())
            cumulative, counts = set(), {}
            for tier in sorted(by_tier):
                cumulative |= by_tier[tier]
                counts[tier] = float(len(cumulative))
            matches.append(counts)
            title_ids.append(
                _fts_ids(cursor, "{title} : " + _fts_any(_alternatives(concept))) & every
            )
        candidates = set().union(*(ids for by_tier in tier_ids for ids in by_tier.values()))
        if not candidates:
            return [], matches, documents
        cursor.execute(
            "SELECT d.post_id, d.is_answer, d.topic_solved, d.helpful_count, d.created_at "  # noqa: S608
            f"FROM search_postdocument d WHERE {where} AND d.post_id IN "
            "(SELECT value FROM json_each(%s))",
            [*where_params, "[" + ",".join(map(str, candidates)) + "]"],
        )
        rows = cursor.fetchall()
    hits = []
    for post_id, is_answer, solved, helpful, created_at in rows:
        tiers = [
            min((tier for tier, ids in by_tier.items() if post_id in ids), default=0)
            for by_tier in tier_ids
        ]
        titles = [post_id in ids for ids in title_ids]
        if isinstance(created_at, str):
            created_at = datetime.fromisoformat(created_at)
        hits.append(
            _Hit(
                post_id,
                tiers,
                titles,
                bool(is_answer),
                bool(solved),
                helpful,
                created_at.timestamp(),
            )
        )
    return hits, matches, documents


def _weights(
    concepts: list[Concept], matches: list[Counts], documents: int
) -> list[dict[int, float]]:
    """What each concept's tiers are worth; empty for a concept that does not count."""
    # A concept no post holds tells nothing about any post: it does not count.
    weights = [
        _tier_weights(concept, counts, documents)
        for concept, counts in zip(concepts, matches, strict=True)
    ]
    if len(concepts) > SCORED_CONCEPTS:  # a long question: its lightest concepts do not count
        full = [max(tiers.values(), default=0.0) for tiers in weights]
        keep = set(sorted(range(len(concepts)), key=lambda i: -full[i])[:SCORED_CONCEPTS])
        weights = [w if i in keep else {} for i, w in enumerate(weights)]
    return weights


def _ranked_ids(
    question: Question, board_ids: list[int], filters: SearchFilters
) -> tuple[list[tuple[int, float]], int]:
    """(post id, score) of the matches, best first, and how many there are (capped)."""
    concepts = question.concepts
    where, where_params = _filter_sql(board_ids, filters)
    if connection.vendor == "postgresql":
        hits, matches, documents, truncated = _pg_search(concepts, where, where_params)
    else:
        hits, matches, documents = _sqlite_search(concepts, where, where_params)
        truncated = False
    ranked = _ranked(concepts, _weights(concepts, matches, documents), hits)
    if question.excluded:
        left_out = _holding_any([post_id for post_id, _score in ranked], question.excluded)
        ranked = [(post_id, score) for post_id, score in ranked if post_id not in left_out]
    # Where only the best matches of a common word were scored, more than were listed match.
    total = COUNT_CAP + 1 if truncated and len(ranked) > CANDIDATES else len(ranked)
    return ranked[:CANDIDATES], min(total, COUNT_CAP + 1)


def _holding_any(post_ids: list[int], concepts: list[Concept]) -> set[int]:
    """Which of the posts hold any of the concepts (as typed or in another form of the same
    word), in their text or, for a topic's first post, its title."""
    alternatives = [alt for concept in concepts for alt in _alternatives(concept, up_to=VARIANT)]
    if not post_ids or not alternatives:
        return set()
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            return _fts_ids(cursor, _fts_any(alternatives)) & set(post_ids)
        query = _pg_any(alternatives)
        cursor.execute(
            "SELECT d.post_id FROM search_postdocument d WHERE d.post_id = ANY(%s) AND "
            "(d.terms @@ %s::tsquery OR (d.is_first AND d.title_terms @@ %s::tsquery))",
            [post_ids, query, query],
        )
        return {row[0] for row in cursor.fetchall()}


def _posts_by_id(ids: list[int]) -> dict[int, Post]:
    posts = Post.objects.filter(pk__in=ids, deleted_at__isnull=True)
    if any(f.name == "hidden_at" for f in Post._meta.get_fields()):
        posts = posts.filter(hidden_at__isnull=True)
    # What a result shows, and no more: compiling and loading every column of five tables
    # took 3 ms more per search than the search's own statement.
    posts = posts.select_related("topic__board", "author", "author_municipality").only(
        *RESULT_FIELDS
    )
    return {post.pk: post for post in posts}


RESULT_FIELDS = (
    "number", "body", "created_at", "helpful_count",
    "topic__title", "topic__accepted_post_id",
    "topic__board__slug", "topic__board__name_ja", "topic__board__name_en",
    "author__display_name", "author__full_name", "author__email",
    "author_municipality__name", "author_municipality__prefecture", "author_municipality__kind",
)  # fmt: skip


def _terms(question: Question) -> list[Term]:
    return [Term(text=text, tokens=()) for text in question.highlights if text]


def search(
    board_ids: list[int], query: str, filters: SearchFilters | None = None, page: int = 1
) -> SearchPage:
    """One page of posts matching ``query`` in the given (readable) boards."""
    filters = filters or SearchFilters()
    question = analyse_question(query)
    result = SearchPage(terms=_terms(question), page=page, question=question)
    if filters.board_id is not None and filters.board_id not in board_ids:
        return result
    if not question.concepts or not board_ids:
        return result
    ranked, result.total = _ranked_ids(question, board_ids, filters)
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
                    title=highlight(post.topic.title, result.terms),
                    snippet=snippet(post.body, result.terms),
                    score=score,
                )
            )
    return result


# --- Boards a question names -------------------------------------------------------------------

MAX_NAMED_BOARDS = 3
_NAME_PARTS = re.compile(r"[・/／、,，()（）\s]+")
_ENGLISH_WORD = re.compile(r"[a-z]{4,}")


def boards_named_in(boards: list, question: Question) -> list:
    """The readable boards whose name the question names (生活保護, 調達 for 調達・契約), also
    through a word's other forms (生保 for 生活保護): a newcomer often searches for the name of
    their new field before any of its posts' words."""
    typed = normalise(question.text)
    words = {
        text
        for concept in question.concepts
        for text in (concept.text, *concept.highlights)
        if len(text) > 1
    }
    english = set(_ENGLISH_WORD.findall(typed))
    named = []
    for board in boards:
        name = normalise(board.name_ja)
        parts = [part for part in _NAME_PARTS.split(name) if len(part) > 1]
        english_name = set(_ENGLISH_WORD.findall(normalise(board.name_en)))
        if (
            any(part in typed for part in parts)
            or any(word in name for word in words)
            or english_name & english
        ):
            named.append(board)
    return named[:MAX_NAMED_BOARDS]


# --- Similar topics ------------------------------------------------------------------------------

ANSWER_PREVIEW_LINES = 2
ANSWER_PREVIEW_CHARACTERS = 160


def similar_topics(
    board_ids: list[int], title: str, board_id: int | None = None, body: str = ""
) -> list[dict]:
    """Topics that answer what is being asked: the same engine as the search, on the typed
    title and body. Among the best topics, solved ones come first; each shows the first lines
    of its accepted answer."""
    question = analyse_question(f"{title}\n{body}", operators=False)
    if not question.concepts or not board_ids:
        return []
    ranked, _total = _ranked_ids(question, board_ids, SearchFilters())
    posts = Post.objects.filter(pk__in=[post_id for post_id, _score in ranked[:100]])
    topic_of = dict(posts.values_list("pk", "topic_id"))
    best: dict[int, float] = {}
    for post_id, score in ranked[:100]:
        topic_id = topic_of.get(post_id)
        if topic_id is not None and topic_id not in best:
            best[topic_id] = score
    topic_ids = list(best)[:SIMILAR_LIMIT]
    top = max(best.values(), default=0.0)
    close = {topic_id for topic_id in topic_ids if best[topic_id] >= CLOSE_MATCH * top}
    return _topic_summaries(topic_ids, _terms(question), board_id, close)


def _answer_preview(body: str) -> str:
    lines = [line.strip(" #>*-") for line in body.splitlines() if line.strip(" #>*-")]
    text = " ".join(lines[:ANSWER_PREVIEW_LINES])
    if len(text) > ANSWER_PREVIEW_CHARACTERS:
        text = text[: ANSWER_PREVIEW_CHARACTERS - 1] + "…"
    elif len(lines) > ANSWER_PREVIEW_LINES:
        text += " …"
    return text


def _topic_summaries(
    topic_ids: list[int], terms: list[Term], board_id: int | None, close: set[int]
) -> list[dict]:
    topics = Topic.objects.filter(pk__in=topic_ids).select_related("board", "accepted_post")
    by_id = {topic.pk: topic for topic in topics}
    ordered = [by_id[pk] for pk in topic_ids if pk in by_id]
    # Among the topics that match about as well as the best (``close``): solved first, then the
    # same board; a solved topic that matches much worse does not jump ahead of them.
    ordered.sort(
        key=lambda topic: (topic.pk not in close, not topic.is_solved, topic.board_id != board_id)
    )
    summaries = []
    for topic in ordered:
        answer = topic.accepted_post
        visible = answer is not None and answer.deleted_at is None
        visible = visible and getattr(answer, "hidden_at", None) is None
        summaries.append(
            {
                "title": topic.title,
                "title_html": str(highlight(topic.title, terms)),
                "url": topic.get_absolute_url(),
                "board": topic.board.name,
                "solved": topic.is_solved,
                "replies": topic.reply_count,
                "answer": _answer_preview(answer.body) if visible else "",
            }
        )
    return summaries
