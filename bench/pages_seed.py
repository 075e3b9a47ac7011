"""The benchmark's data shape (a million posts), loaded into bench/pages.py's own database with
COPY.

20 boards (the largest holds a quarter of the topics), verified members with municipalities,
topics and Japanese posts in date order, a fifth of the posts in 20 long-running topics and the
rest a median of 5 per topic, consistent counters, helpful marks, accepted answers and read
states. Foreign-key triggers are off while loading (session_replication_role) and the secondary
indexes of the big tables are built once at the end, which is what makes a million posts fit in a
few minutes on two cores.
"""

import json
import math
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

import pages_words as words

SEED_VERSION = 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HOUR_US = 3_600 * 10**6
BIG_TABLES = ("forums_post", "forums_topic", "forums_helpfulmark", "forums_topicreadstate")
BENCH_READERS = 4  # members 1..4 are the benchmark's clients; they belong to every board


@dataclass(frozen=True)
class Shape:
    members: int = 5_000
    topics: int = 100_000
    posts: int = 1_000_000
    boards: int = 20
    long_topics: int = 20
    longest: int = 23_000  # before scaling the long topics to a fifth of the posts
    shortest_long: int = 4_500
    largest_share: float = 0.25
    seed: int = 2026
    version: int = SEED_VERSION

    @classmethod
    def scaled(cls, scale: float) -> "Shape":
        return cls(
            members=max(50, round(5_000 * scale)),
            topics=max(500, round(100_000 * scale)),
            posts=max(5_000, round(1_000_000 * scale)),
        )

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass
class Plan:
    """Per topic (index = id - 1): everything but the posts themselves."""

    board: list[int] = field(default_factory=list)
    author: list[int] = field(default_factory=list)
    size: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)  # microseconds since the epoch
    accepted_number: list[int] = field(default_factory=list)
    is_long: list[bool] = field(default_factory=list)
    pinned: set[int] = field(default_factory=set)
    locked: set[int] = field(default_factory=set)


def at(microseconds: int) -> datetime:
    return EPOCH + timedelta(microseconds=microseconds)


def long_topic_sizes(shape: Shape) -> list[int]:
    """Log-uniform sizes from the longest down, scaled so that they hold a fifth of the posts."""
    count = shape.long_topics
    ratio = math.log(shape.shortest_long / shape.longest)
    raw = [shape.longest * math.exp(ratio * i / (count - 1)) for i in range(count)]
    factor = (shape.posts // 5) / sum(raw)
    sizes = [max(2, round(size * factor)) for size in raw]
    sizes[0] += shape.posts // 5 - sum(sizes)
    return sizes


def board_topic_counts(shape: Shape, rng: random.Random) -> list[int]:
    largest = round(shape.topics * shape.largest_share)
    weights = [1 / (rank + 1) ** 0.7 for rank in range(1, shape.boards)]
    rest = shape.topics - largest
    counts = [largest] + [int(rest * weight / sum(weights)) for weight in weights]
    counts[1] += shape.topics - sum(counts)
    return counts


def normal_sizes(count: int, total: int, rng: random.Random) -> list[int]:
    """Posts per ordinary topic: log-normal with a median of 5, adjusted to sum to ``total``."""
    sizes = [min(2_000, max(1, round(rng.lognormvariate(math.log(5), 0.97)))) for _ in range(count)]
    difference = total - sum(sizes)
    while difference > 0:
        sizes[rng.randrange(count)] += 1
        difference -= 1
    while difference < 0:
        index = rng.randrange(count)
        if sizes[index] > 1:
            sizes[index] -= 1
            difference += 1
    return sizes


def plan_topics(shape: Shape, rng: random.Random, members_of: list[list[int]], end_us: int):
    span = 3 * 365 * 24 * HOUR_US
    start_us = end_us - span
    counts = board_topic_counts(shape, rng)
    long_sizes = long_topic_sizes(shape)
    entries = []  # (created, board, size, is_long)
    remaining = list(counts)
    for index, size in enumerate(long_sizes):
        board = 0 if index % 4 == 0 else 1 + index % (shape.boards - 2)
        remaining[board] -= 1
        entries.append((start_us + rng.randrange(span // 10), board, size, True))
    boards = [board for board, count in enumerate(remaining) for _ in range(count)]
    rng.shuffle(boards)
    sizes = normal_sizes(len(boards), shape.posts - sum(long_sizes), rng)
    for board, size in zip(boards, sizes, strict=True):
        entries.append((start_us + rng.randrange(span - 2 * HOUR_US), board, size, False))
    entries.sort()
    plan = Plan()
    for created, board, size, is_long in entries:
        plan.board.append(board)
        plan.author.append(rng.choice(members_of[board]))
        plan.size.append(size)
        plan.created.append(created)
        plan.is_long.append(is_long)
        solved = not is_long and size >= 2 and rng.random() < 0.35
        plan.accepted_number.append(rng.randint(2, min(size, 6)) if solved else 0)
    for board in range(shape.boards):
        older_half = [t for t, b in enumerate(plan.board) if b == board and not plan.is_long[t]]
        plan.pinned.update(rng.sample(older_half[: len(older_half) // 2], 2))
    plan.locked = {t for t in range(len(plan.board)) if rng.random() < 0.005} - plan.pinned
    return plan


def post_times(plan: Plan, rng: random.Random, end_us: int) -> tuple[list[int], int]:
    """Sort keys of every post: time << shift | topic index, posts of a topic strictly later."""
    shift = max(17, len(plan.size).bit_length())
    keys = []
    for topic, (created, size) in enumerate(zip(plan.created, plan.size, strict=True)):
        room = end_us - created
        if plan.is_long[topic]:
            offsets = sorted(rng.randrange(room) for _ in range(size - 1))
        else:
            offsets, moment = [], 0
            for _ in range(size - 1):
                moment += int(rng.expovariate(1 / (6 * HOUR_US)))
                offsets.append(moment)
            if offsets and offsets[-1] > room:
                offsets = [offset * room // offsets[-1] for offset in offsets]
        previous = created
        keys.append(created << shift | topic)
        for offset in offsets:
            previous = max(created + offset, previous + 1_000)
            keys.append(previous << shift | topic)
    keys.sort()
    return keys, shift


class Loader:
    def __init__(self, connection, shape: Shape, log):
        self.connection = connection
        self.shape = shape
        self.log = log
        self.rng = random.Random(shape.seed)
        self.end_us = int((datetime.now(UTC) - EPOCH).total_seconds() // 3600 - 1) * HOUR_US

    def execute(self, sql: str, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def copy(self, table: str, columns: tuple[str, ...], rows) -> int:
        count = 0
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    # --- small tables ---------------------------------------------------------------------

    def load_boards(self) -> None:
        now = at(self.end_us)
        self.copy(
            "forums_workfield",
            ("id", "slug", "name_ja", "name_en", "position"),
            [(i + 1, *fields) for i, fields in enumerate(words.FIELDS)],
        )
        field_ids = {slug: i + 1 for i, (slug, *_rest) in enumerate(words.FIELDS)}
        rows = []
        for i, (slug, field_slug, name_ja, name_en, description, policy) in enumerate(
            words.BOARDS[: self.shape.boards]
        ):
            rows.append(
                (i + 1, slug, name_ja, name_en, description, "", policy, i, now, 0, 0, 0, None,
                 field_ids[field_slug], 3)
            )  # fmt: skip
        self.copy(
            "forums_board",
            ("id", "slug", "name_ja", "name_en", "description_ja", "description_en",
             "join_policy", "position", "created_at", "member_count", "topic_count", "post_count",
             "last_posted_at", "field_id", "flag_threshold"),
            rows,
        )  # fmt: skip
        self.board_ids = [row[0] for row in rows]

    def load_members(self) -> list[list[int]]:
        rng = self.rng
        municipalities = [
            row[0]
            for row in self.execute(
                "SELECT id FROM accounts_municipality WHERE kind <> 'prefecture' ORDER BY id"
            )
        ]
        if not municipalities:
            raise RuntimeError("No municipalities: run load_municipalities first.")
        self.municipality = [None]
        self.department = [""]
        users = []
        joined = at(self.end_us - 4 * 365 * 24 * HOUR_US)
        for user_id in range(1, self.shape.members + 1):
            municipality = rng.choice(municipalities)
            department = rng.choice(words.DEPARTMENTS)
            surname, given = rng.choice(words.SURNAMES), rng.choice(words.GIVEN_NAMES)
            self.municipality.append(municipality)
            self.department.append(department)
            users.append(
                (user_id, f"!bench{user_id}", False, f"member{user_id}@city{municipality}.lg.jp",
                 f"{surname} {given}", f"{surname}{user_id}", department,
                 rng.choice(words.POSITIONS), "", "", "verified", joined, False, "", "", False,
                 False, True, joined, municipality, False, "", False, 0)
            )  # fmt: skip
        self.copy(
            "accounts_user",
            ("id", "password", "is_superuser", "email", "full_name", "display_name", "department",
             "position", "can_help_with", "language", "status", "status_changed_at",
             "domain_mismatch", "review_note", "status_reason", "is_site_moderator", "is_staff",
             "is_active", "date_joined", "municipality_id", "ask_me", "verified_through_domain",
             "needs_recheck", "avatar_version"),
            users,
        )  # fmt: skip
        # Members join boards in proportion to the boards' sizes; the bench readers join all.
        weights = [0.25] + [0.75 / (self.shape.boards - 1)] * (self.shape.boards - 1)
        members_of: list[list[int]] = [[] for _ in range(self.shape.boards)]
        memberships = []
        for user_id in range(1, self.shape.members + 1):
            if user_id <= BENCH_READERS:
                boards = set(range(self.shape.boards))
            else:
                boards = set(rng.choices(range(self.shape.boards - 1), weights[:-1], k=4))
                if rng.random() < 0.01:
                    boards.add(self.shape.boards - 1)  # the invite-only board
            for board in sorted(boards):
                members_of[board].append(user_id)
                role = "moderator" if len(members_of[board]) in (5, 6) else "member"
                memberships.append(
                    (len(memberships) + 1, role, "active", "", joined, None,
                     self.board_ids[board], user_id, None, None, "")
                )  # fmt: skip
        self.copy(
            "forums_membership",
            ("id", "role", "state", "request_message", "created_at", "decided_at", "board_id",
             "user_id", "banned_until", "decided_by_id", "decision_reason"),
            memberships,
        )  # fmt: skip
        return members_of

    # --- topics and posts -----------------------------------------------------------------

    def load_posts(self, plan: Plan, members_of: list[list[int]]) -> dict:
        rng = self.rng
        sentences = words.sentence_pool(rng, 30_000)
        keys, shift = post_times(plan, rng, self.end_us)
        mask = (1 << shift) - 1
        count = len(plan.size)
        numbers = [0] * count
        self.last_poster = [0] * count
        self.last_time = [0] * count
        self.accepted_post = [None] * count
        marks = []
        columns = (
            "id", "topic_id", "number", "author_id", "author_municipality_id",
            "author_department", "body", "html", "created_at", "helpful_count",
            "submission_token", "hidden_reason",
        )  # fmt: skip

        def rows():
            for post_id, key in enumerate(keys, start=1):
                topic = key & mask
                moment = key >> shift
                numbers[topic] += 1
                number = numbers[topic]
                board_members = members_of[plan.board[topic]]
                author = plan.author[topic] if number == 1 else rng.choice(board_members)
                paragraphs = words.body_paragraphs(rng, sentences)
                helpful = 0
                if rng.random() < 0.1:
                    for user in rng.sample(
                        board_members, min(len(board_members), rng.randint(1, 6))
                    ):
                        if user != author:
                            marks.append((post_id, user, at(moment + HOUR_US // 2)))
                            helpful += 1
                if number == plan.accepted_number[topic]:
                    self.accepted_post[topic] = post_id
                self.last_poster[topic] = author
                self.last_time[topic] = moment
                yield (
                    post_id, topic + 1, number, author, self.municipality[author],
                    self.department[author], "\n\n".join(paragraphs),
                    "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs), at(moment),
                    helpful, "", "",
                )  # fmt: skip

        posts = self.copy("forums_post", columns, rows())
        self.copy(
            "forums_helpfulmark",
            ("id", "post_id", "user_id", "created_at"),
            ((i, *mark) for i, mark in enumerate(marks, start=1)),
        )
        return {"posts": posts, "helpful_marks": len(marks)}

    def load_topics(self, plan: Plan) -> None:
        rng = self.rng
        rows = (
            (topic + 1, words.title(rng), at(plan.created[topic]), at(self.last_time[topic]),
             plan.size[topic], plan.size[topic] - 1, topic in plan.pinned, topic in plan.locked, 0,
             self.accepted_post[topic], plan.author[topic], self.board_ids[plan.board[topic]],
             self.last_poster[topic])
            for topic in range(len(plan.board))
        )  # fmt: skip
        self.copy(
            "forums_topic",
            ("id", "title", "created_at", "last_posted_at", "post_count", "reply_count",
             "is_pinned", "is_locked", "event_sequence", "accepted_post_id", "author_id",
             "board_id", "last_poster_id"),
            rows,
        )  # fmt: skip
        tag_names = words.TOPICS[:40]
        self.copy("forums_tag", ("id", "name"), enumerate(tag_names, start=1))
        tags = []
        for topic in range(len(plan.board)):
            if rng.random() < 0.3:
                for tag in rng.sample(range(1, len(tag_names) + 1), rng.randint(1, 3)):
                    tags.append((len(tags) + 1, topic + 1, tag))
        self.copy("forums_topic_tags", ("id", "topic_id", "tag_id"), tags)

    def load_read_states(self, plan: Plan, members_of: list[list[int]]) -> int:
        rng = self.rng
        topics_of: list[list[int]] = [[] for _ in range(self.shape.boards)]
        for topic, board in enumerate(plan.board):
            topics_of[board].append(topic)
        seen = set()
        rows = []

        def add(user: int, topic: int, number: int) -> None:
            if (user, topic) not in seen:
                seen.add((user, topic))
                rows.append(
                    (len(rows) + 1, user, topic + 1, number, at(self.last_time[topic] + 60 * 10**6))
                )

        for board, members in enumerate(members_of):
            for user in members:
                if user > BENCH_READERS:
                    for topic in rng.sample(topics_of[board], min(5, len(topics_of[board]))):
                        add(user, topic, rng.randint(1, plan.size[topic]))
        # The bench readers have read about half of the largest board's 300 latest topics, some
        # of them only partly, so that board pages show "new" and "unread" badges.
        latest = sorted(topics_of[0], key=lambda topic: -self.last_time[topic])[:300]
        for user in range(1, BENCH_READERS + 1):
            for topic in latest:
                if rng.random() < 0.5 and not plan.is_long[topic]:
                    add(user, topic, max(1, plan.size[topic] - rng.choice((0, 0, 1, 3))))
        self.copy(
            "forums_topicreadstate",
            ("id", "user_id", "topic_id", "last_read_number", "updated_at"),
            rows,
        )
        return len(rows)

    # --- indexes, counters, statistics ----------------------------------------------------

    def drop_secondary_indexes(self) -> list[str]:
        """Drop the unique constraints and non-constraint indexes of the big tables; returns
        the statements that recreate them."""
        statements, drops = [], []
        for table in BIG_TABLES:
            for name, definition in self.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'u'",
                [table],
            ):
                drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                statements.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for name, definition in self.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                "AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
                [table],
            ):
                drops.append(f'DROP INDEX "{name}"')
                statements.append(definition)
        for statement in drops:
            self.execute(statement)
        return statements

    def finish(self, index_statements: list[str]) -> None:
        self.execute("SET maintenance_work_mem = '512MB'")
        for statement in index_statements:
            self.execute(statement)
        for table in (*BIG_TABLES, "accounts_user", "forums_membership", "forums_board",
                      "forums_workfield", "forums_tag", "forums_topic_tags"):  # fmt: skip
            self.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        self.execute(
            "UPDATE forums_board b SET topic_count = s.topics, post_count = s.posts, "
            "last_posted_at = s.latest FROM (SELECT board_id, count(*) AS topics, "
            "sum(post_count) AS posts, max(last_posted_at) AS latest FROM forums_topic "
            "GROUP BY board_id) s WHERE s.board_id = b.id"
        )
        self.execute(
            "UPDATE forums_board b SET member_count = s.members FROM (SELECT board_id, "
            "count(*) AS members FROM forums_membership WHERE state = 'active' "
            "GROUP BY board_id) s WHERE s.board_id = b.id"
        )

    def run(self) -> dict:
        timings = {}
        started = time.monotonic()
        self.execute("SET session_replication_role = replica")
        try:
            index_statements = self.drop_secondary_indexes()
            self.load_boards()
            members_of = self.load_members()
            plan = plan_topics(self.shape, self.rng, members_of, self.end_us)
            timings["plan"] = time.monotonic() - started
            self.log(f"  members, boards and plan: {timings['plan']:.1f} s")
            counts = self.load_posts(plan, members_of)
            timings["posts"] = time.monotonic() - started
            self.log(f"  posts copied: {timings['posts']:.1f} s")
            self.load_topics(plan)
            counts["read_states"] = self.load_read_states(plan, members_of)
        finally:
            self.execute("SET session_replication_role = DEFAULT")
        self.finish(index_statements)
        timings["indexes"] = time.monotonic() - started
        self.log(f"  indexes and counters: {timings['indexes']:.1f} s")
        self.execute("VACUUM (ANALYZE)")
        timings["total"] = time.monotonic() - started
        self.log(f"  VACUUM ANALYZE: {timings['total']:.1f} s")
        counts["topics"] = len(plan.board)
        return {"counts": counts, "timings": timings, **self.landmarks(plan)}

    def landmarks(self, plan: Plan) -> dict:
        """The topics the benchmark opens: the longest, and two ordinary ones of 17 posts
        (one to read, one to reply to) in the largest board."""
        excluded = plan.pinned | plan.locked
        ordinary = [
            topic
            for topic in range(len(plan.board))
            if plan.board[topic] == 0
            and plan.size[topic] == 17
            and not plan.is_long[topic]
            and topic not in excluded
        ]
        if len(ordinary) < 2:
            ordinary = sorted(
                (
                    t
                    for t in range(len(plan.board))
                    if plan.board[t] == 0 and not plan.is_long[t] and t not in excluded
                ),
                key=lambda t: abs(plan.size[t] - 17),
            )
        middle = len(ordinary) // 2
        longest = max(range(len(plan.size)), key=plan.size.__getitem__)
        return {
            "largest_board": words.BOARDS[0][0],
            "typical_topic": ordinary[middle] + 1,
            "reply_topic": ordinary[middle + 1] + 1,
            "longest_topic": longest + 1,
            "bench_readers": list(range(1, BENCH_READERS + 1)),
        }
