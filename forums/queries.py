"""Reads of boards, topics and posts, tuned for lists that stay fast at a million posts.

Lists page with keysets, never OFFSET: a board page continues from the (last activity, id) of
the last topic shown, and a topic page is a range of post numbers, which are dense because a
deleted post keeps its number as a placeholder. Both walk an index in its own order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects

from core.compiled import CompiledRead
from core.params import format_cursor, parse_cursor
from core.prefetch import known_empty
from forums.models import Board, HelpfulMark, Membership, Post, Tag, Topic, TopicReadState
from forums.permissions import can_view_board

TOPICS_PER_PAGE = 25
POSTS_PER_PAGE = 20


# Columns that apps above forums add to the board row of a board page (fields: the field of
# work the board serves), so the page links to them without a query of its own. Registered
# from their AppConfig.ready: name -> function building the expression (a correlated subquery
# on OuterRef("pk")).
BOARD_PAGE_COLUMNS: dict[str, Callable] = {}


def register_board_page_column(name: str, build: Callable) -> None:
    BOARD_PAGE_COLUMNS[name] = build


def _board_for_page(slug):
    columns = {name: build() for name, build in BOARD_PAGE_COLUMNS.items()}
    return (
        Board.objects.select_related("field")
        .annotate(**columns)
        .filter(slug=slug)
        .order_by("pk")[:1]
    )


# On every board page: compiled once (core.compiled), after the apps registered their columns.
_BOARD_FOR_PAGE = CompiledRead(_board_for_page)


def board_for_page(slug: str) -> Board | None:
    """The board of a board page, with its field and the columns other apps registered."""
    return _BOARD_FOR_PAGE.first(slug)


# Read on every page of a board or topic and in every permission check: compiled once.
_MEMBERSHIP = CompiledRead(
    lambda user_id, board_id: Membership.objects.filter(
        user_id=user_id, board_id=board_id
    ).order_by("pk")[:1]
)


def membership_of(user, board: Board) -> Membership | None:
    if not user.is_authenticated:
        return None
    return _MEMBERSHIP.first(user.pk, board.pk)


_MEMBERSHIPS = CompiledRead(
    lambda user_id: Membership.objects.filter(user_id=user_id).order_by("board_id")
)


def memberships_by_board(user) -> dict[int, Membership]:
    if not user.is_authenticated:
        return {}
    return {membership.board_id: membership for membership in _MEMBERSHIPS(user.pk)}


@dataclass
class BoardEntry:
    board: Board
    membership: Membership | None


_TOPIC_TAGS = CompiledRead(
    lambda topic_id: Tag.objects.filter(topics__id=topic_id).order_by("name")
)


def topic_tags(topic: Topic) -> list[Tag]:
    """The topic's tags by name (compiled once: every topic page shows them)."""
    return _TOPIC_TAGS(topic.pk)


_ALL_BOARDS = CompiledRead(
    lambda: Board.objects.select_related("field").order_by("field__position", "position", "slug")
)


def visible_boards(user) -> list[BoardEntry]:
    """Every board the user may see, in board order, with their membership of each."""
    memberships = memberships_by_board(user)
    boards = _ALL_BOARDS()
    return [
        BoardEntry(board, memberships.get(board.pk))
        for board in boards
        if can_view_board(user, board, memberships.get(board.pk))
    ]


def with_reader_state(topics: QuerySet[Topic], user) -> QuerySet[Topic]:
    """Annotate each topic with the number of the last post the user has read (0: none)."""
    read_state = TopicReadState.objects.filter(user=user, topic=OuterRef("pk"))
    return topics.annotate(last_read_number=Subquery(read_state.values("last_read_number")[:1]))


TOPIC_FILTERS = ("all", "unanswered", "solved", "mine")
TOPIC_SORTS = ("activity", "new")


@dataclass
class TopicPage:
    topics: list[Topic]
    pinned: list[Topic]
    next_cursor: str | None


def encode_cursor(moment: datetime, topic_id: int) -> str:
    return format_cursor(moment, topic_id)


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    return parse_cursor(cursor)


def _board_topic_rows(filter_name: str, sort: str, part: str):
    """The build of one shape of a board page's read: ``part`` is "pinned", "first" (the first
    page's unpinned topics) or "after" (the page after a cursor)."""
    order_field = "created_at" if sort == "new" else "last_posted_at"

    def build(board_id, user_id, *position):
        topics = Topic.objects.filter(board_id=board_id).select_related("last_poster")
        if filter_name == "unanswered":
            topics = topics.filter(reply_count=0, expects_answer=True)
        elif filter_name == "solved":
            topics = topics.filter(accepted_post__isnull=False)
        elif filter_name == "mine":
            topics = topics.filter(
                Q(author_id=user_id)
                | Exists(Post.objects.filter(topic=OuterRef("pk"), author_id=user_id))
            )
        topics = with_reader_state(topics, user_id)
        order = (f"-{order_field}", "-id")
        if part == "pinned":
            return topics.filter(is_pinned=True).order_by(*order)
        if part == "after":
            moment, topic_id = position
            # The redundant "<=" bound is what the index seeks to: with the OR alone PostgreSQL
            # reads and discards every topic before the cursor (12,000 rows half way down a
            # board).
            before = Q(**{f"{order_field}__lt": moment})
            topics = topics.filter(
                Q(**{f"{order_field}__lte": moment}),
                before | Q(**{order_field: moment, "id__lt": topic_id}),
            )
        return topics.filter(is_pinned=False).order_by(*order)[: TOPICS_PER_PAGE + 1]

    return CompiledRead(build)


# Every shape of a board page's read, compiled once (core.compiled).
_BOARD_TOPICS = {
    (filter_name, sort, part): _board_topic_rows(filter_name, sort, part)
    for filter_name in TOPIC_FILTERS
    for sort in TOPIC_SORTS
    for part in ("pinned", "first", "after")
}


def board_topics(
    board: Board, user, *, filter_name: str = "all", sort: str = "activity", cursor: str = ""
) -> TopicPage:
    """One page of a board's topics, newest activity (or newest topic) first, for a signed-in
    member (each topic carries ``last_read_number``)."""
    filter_name = filter_name if filter_name in TOPIC_FILTERS else "all"
    sort = sort if sort in TOPIC_SORTS else "activity"
    order_field = "created_at" if sort == "new" else "last_posted_at"
    pinned: list[Topic] = []
    position = decode_cursor(cursor) if cursor else None
    if position is None:
        pinned = _BOARD_TOPICS[filter_name, sort, "pinned"](board.pk, user.pk)
        rows = _BOARD_TOPICS[filter_name, sort, "first"](board.pk, user.pk)
    else:
        rows = _BOARD_TOPICS[filter_name, sort, "after"](board.pk, user.pk, *position)
    next_cursor = None
    if len(rows) > TOPICS_PER_PAGE:
        rows = rows[:TOPICS_PER_PAGE]
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, order_field), last.pk)
    return TopicPage(topics=rows, pinned=pinned, next_cursor=next_cursor)


def topic_page_count(topic: Topic) -> int:
    return max(1, (topic.post_count + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE)


def page_links(page: int, page_count: int) -> list[int | None]:
    """Page numbers to link: the first, the last and two either side; None marks a gap."""
    wanted = {1, page_count, *range(page - 2, page + 3)}
    links: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= page_count):
        if links and links[-1] is not None and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return links


def page_of_number(number: int) -> int:
    return max(1, (number - 1) // POSTS_PER_PAGE + 1)


def _topic_posts(topic_id, first, end, user_id):
    # The range holds at most one page, but PostgreSQL estimates "number < 21" of a 20,000-post
    # topic at thousands of rows, and that cost switches JIT compilation on (15 ms a query).
    # The LIMIT tells it the truth.
    files = Post._meta.get_field("attachments").related_model
    return (
        Post.objects.filter(topic_id=topic_id, number__gte=first, number__lt=end)
        .select_related("author", "author_municipality")
        .annotate(
            marked_helpful=Exists(HelpfulMark.objects.filter(post=OuterRef("pk"), user=user_id)),
            has_files=Exists(files.objects.filter(post=OuterRef("pk"))),
        )
        .order_by("number")[:POSTS_PER_PAGE]
    )


# Every topic page: compiled once (core.compiled).
_TOPIC_POSTS = CompiledRead(_topic_posts)


def topic_posts(topic: Topic, user, page: int) -> list[Post]:
    """The posts numbered into one page of a topic, with what the reader needs to see of them."""
    first = (page - 1) * POSTS_PER_PAGE + 1
    posts = _TOPIC_POSTS(topic.pk, first, first + POSTS_PER_PAGE, user.pk)
    _prefetch_files(posts)
    return posts


def _prefetch_files(posts: list[Post]) -> None:
    """``post.attachments.all()`` without a query per post: the files of the posts that have
    any (``has_files``) in one query, as ``prefetch_related`` reads them; the others (most
    posts) are given their empty list the way ``prefetch_related`` stores one, with no query."""
    with_files = [post for post in posts if post.has_files]
    if with_files:
        prefetch_related_objects(with_files, "attachments")
    for post in posts:
        if not post.has_files:
            known_empty(post, "attachments")


def post_with_context(post_id: int) -> Post | None:
    return (
        Post.objects.select_related("topic__board", "author", "author_municipality")
        .filter(pk=post_id)
        .first()
    )


def helpful_marks(post: Post) -> QuerySet[HelpfulMark]:
    return post.helpful_marks.select_related("user__municipality").order_by("created_at")


_READ_STATE = CompiledRead(
    lambda user_id, topic_id: (
        TopicReadState.objects.filter(user_id=user_id, topic_id=topic_id)
        .only("last_read_number")
        .order_by("pk")[:1]
    )
)


def last_read_number(user, topic: Topic) -> int:
    state = _READ_STATE.first(user.pk, topic.pk)
    return state.last_read_number if state else 0


HOME_TOPICS = 15


# The table's name comes from the model; every value is a parameter.
RECENT_TOPICS_SQL = (
    "SELECT t.id FROM unnest(%s::bigint[]) AS b(id) CROSS JOIN LATERAL ("  # noqa: S608
    f"SELECT id, last_posted_at FROM {Topic._meta.db_table} WHERE board_id = b.id "
    "ORDER BY last_posted_at DESC, id DESC LIMIT %s) AS t "
    "ORDER BY t.last_posted_at DESC, t.id DESC LIMIT %s"
)


def recent_topic_ids(board_ids: list[int], limit: int = HOME_TOPICS) -> list[int]:
    """The ids of the most recently active topics across these boards, newest first.

    Each board's newest ``limit`` topics come from its own (board, last activity) index and only
    those are merged, so the read is the same size for a member of one board or of twenty, and
    never sorts every topic of the boards. SQLite cannot limit the parts of a compound query;
    an embedded site is small enough for the plain query.
    """
    if not board_ids:
        return []
    ordering = ("-last_posted_at", "-id")
    if connection.vendor != "postgresql" or len(board_ids) == 1:
        topics = Topic.objects.filter(board_id__in=board_ids).order_by(*ordering)
        return list(topics.values_list("id", flat=True)[:limit])
    # One lateral read per board on its (board, last activity) index, merged; written as SQL
    # because the ORM would build and compile one subquery per board (20 boards: ~2 ms).
    with connection.cursor() as cursor:
        cursor.execute(RECENT_TOPICS_SQL, [list(board_ids), limit, limit])
        return [row[0] for row in cursor.fetchall()]


_MY_BOARDS = CompiledRead(
    lambda user_id: Board.objects.filter(
        memberships__user_id=user_id, memberships__state=Membership.State.ACTIVE
    ).order_by("field__position", "position", "slug")
)
# One shape per number of topics (at most HOME_TOPICS): compiled once each (core.compiled).
_HOME_TOPICS = CompiledRead(
    lambda user_id, topic_ids: with_reader_state(
        Topic.objects.filter(pk__in=topic_ids).select_related("board", "last_poster"), user_id
    ).order_by("pk")
)


def home_context(user) -> dict:
    """The signed-in home page: the member's boards and what moved in them lately."""
    my_boards = _MY_BOARDS(user.pk)
    ids = recent_topic_ids([board.pk for board in my_boards])
    topics = {topic.pk: topic for topic in _HOME_TOPICS(user.pk, tuple(ids))} if ids else {}
    return {"my_boards": my_boards, "recent_topics": [topics[pk] for pk in ids if pk in topics]}


# --- Reads of the writer's path (a reply, a new topic): compiled once (core.compiled) --------

_SUBMISSION = CompiledRead(
    lambda author_id, token: (
        Post.objects.select_related("topic")
        .filter(author_id=author_id, submission_token=token)
        .order_by("pk")[:1]
    )
)
_LOCKED_TOPIC = CompiledRead(
    # Lock the topic row only ("of"): a join would lock its board row as well.
    lambda topic_id: (
        Topic.objects.select_for_update(of=("self",))
        .select_related("board")
        .filter(pk=topic_id)
        .order_by("pk")[:1]
    )
)
_TOPIC_BY_PK = CompiledRead(lambda topic_id: Topic.objects.filter(pk=topic_id).order_by("pk")[:1])


def _post_for_event(post_id):
    files = Post._meta.get_field("attachments").related_model
    return (
        Post.objects.select_related("author", "author_municipality")
        .annotate(has_files=Exists(files.objects.filter(post=OuterRef("pk"))))
        .filter(pk=post_id)
        .order_by("pk")[:1]
    )


_POST_FOR_EVENT = CompiledRead(_post_for_event)


_EVENT_SEQUENCE = CompiledRead(
    lambda topic_id: (
        Topic.objects.filter(pk=topic_id)
        .order_by("pk")
        .values_list("event_sequence", flat=True)[:1]
    )
)


def event_sequence_of(topic_id: int) -> int:
    """The topic's last handed-out event sequence (read right after raising it, row locked)."""
    return _EVENT_SEQUENCE.get(topic_id)


def submitted_post(author, token: str) -> Post | None:
    """The author's post sent with this form token, if any (a double submission)."""
    return _SUBMISSION.first(author.pk, token) if token else None


def locked_topic(topic_id: int) -> Topic:
    """The topic with its board, its row locked until the transaction ends."""
    return _LOCKED_TOPIC.get(topic_id)


def topic_now(topic_id: int) -> Topic:
    return _TOPIC_BY_PK.get(topic_id)


def post_for_event(post_id: int) -> Post:
    """A post with what its live event shows: author, organisation and files (read only when
    it has any, as on a topic page)."""
    post = _POST_FOR_EVENT.get(post_id)
    _prefetch_files([post])
    return post
