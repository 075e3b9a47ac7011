"""Keeping the search index current. Every function runs inside the caller's transaction, so the
index changes exactly when the forum does and a rolled-back write leaves no trace.

``on_post_changed`` and ``on_topic_changed`` are subscribed to ``forums.effects`` (the door every
post and topic write goes through) in ``SearchConfig.ready``, and pick what to do:

- ``index_post(post)`` after a post is created, edited, shown again or redacted (a first post
  carries its topic's title); it removes the document instead when the post is not searchable;
- ``unindex_post(post)`` when a post is deleted or hidden;
- ``reindex_topic(topic)`` after a topic moves to another board, takes in merged posts, or its
  accepted answer changes: the board, "solved" and "answer" copies on its documents follow;
- ``update_helpful(post)`` after a helpful mark is given or taken back.

``rebuild()`` recreates the whole index from the posts (``manage.py rebuild_search_index``).
"""

from collections.abc import Iterator
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Case, Value, When

from forums.effects import PostChange, PostChanged, TopicChange, TopicChanged
from forums.models import Post, Topic
from search.documents import columns_for_index
from search.models import PostDocument

TABLE = PostDocument._meta.db_table
FTS_TABLE = "search_postterms"
COLUMNS = (
    "post_id",
    "topic_id",
    "board_id",
    "author_id",
    "municipality_id",
    "created_at",
    "is_first",
    "is_answer",
    "topic_solved",
    "helpful_count",
)
# The GIN index of the words is updated in place by every write: with PostgreSQL's default
# "fast update", writes gather in a pending list of up to 4 MB that every search must scan
# until VACUUM merges it (bench/search.py --pending measures both; README, "Search").
GIN_OPTIONS = "fastupdate = off"
# The words of accepted answers only (about 3% of posts). Every ranking order puts answers first,
# so when enough answers match, the best matches are all answers and are read from this small
# index, without visiting the table rows of every other match (search.queries).
ANSWER_TERMS_INDEX = (
    f"CREATE INDEX IF NOT EXISTS search_doc_answer_terms ON {TABLE} USING gin (terms) "
    f"WITH ({GIN_OPTIONS}) WHERE is_answer"
)
# Other apps add text to a post's document (attachments: file names and their text) by
# registering ``provider(post_ids) -> {post_id: text}`` from their AppConfig.ready.
_text_providers: list = []


def register_text_provider(provider) -> None:
    if provider not in _text_providers:
        _text_providers.append(provider)


def _extra_texts(post_ids) -> dict[int, str]:
    extra: dict[int, str] = {}
    for provider in _text_providers:
        for post_id, text in provider(post_ids).items():
            extra[post_id] = f"{extra[post_id]}\n{text}" if post_id in extra else text
    return extra


def is_searchable(post: Post) -> bool:
    return post.deleted_at is None and getattr(post, "hidden_at", None) is None


def _row(
    post_id: int,
    topic_id: int,
    board_id: int,
    author_id: int,
    municipality_id: int | None,
    created_at: datetime,
    number: int,
    accepted_post_id: int | None,
    helpful_count: int,
) -> tuple:
    return (
        post_id,
        topic_id,
        board_id,
        author_id,
        municipality_id,
        created_at,
        number == 1,
        accepted_post_id == post_id,
        accepted_post_id is not None,
        helpful_count,
    )


def _columns(post: Post, topic: Topic, with_files: bool = True) -> tuple[tuple, tuple[str, str]]:
    """A post's row and its two text columns as this database stores them; ``with_files``
    False leaves out the texts of its files (a post being created has none yet)."""
    row = _row(
        post.pk,
        topic.pk,
        topic.board_id,
        post.author_id,
        post.author_municipality_id,
        post.created_at,
        post.number,
        topic.accepted_post_id,
        post.helpful_count,
    )
    extra = _extra_texts([post.pk]).get(post.pk, "") if with_files else ""
    body = f"{post.body}\n{extra}" if extra else post.body
    (columns,) = columns_for_index([(row, topic.title, body)], connection.vendor)
    return row, columns


def index_post(post: Post, with_files: bool = True) -> None:
    """Write (or rewrite) the document of one post; remove it if the post is not searchable.
    A post's files are attached after it is created (and index it again), so the document of
    a post being created is written without reading them."""
    if not is_searchable(post):
        unindex_post(post)
        return
    row, columns = _columns(post, post.topic, with_files)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    updates = ", ".join(f"{column} = excluded.{column}" for column in COLUMNS[1:])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}, terms, title_terms) "  # noqa: S608
                f"VALUES ({placeholders}, %s::tsvector, %s::tsvector) ON CONFLICT (post_id) "
                f"DO UPDATE SET {updates}, terms = excluded.terms, "
                "title_terms = excluded.title_terms",
                [*row, *columns],
            )
        else:
            cursor.execute(
                f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({placeholders}) "  # noqa: S608
                f"ON CONFLICT (post_id) DO UPDATE SET {updates}",
                list(row),
            )
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [post.pk])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                [post.pk, *columns],
            )


def unindex_post(post: Post) -> None:
    """Remove a post's document; if it was its topic's answer, the topic is no longer solved."""
    # On SQLite a trigger removes the FTS5 row along with the document.
    PostDocument.objects.filter(post_id=post.pk).delete()
    if post.topic.accepted_post_id == post.pk:
        reindex_topic(post.topic)


def reindex_topic(topic: Topic) -> None:
    """Refresh what a topic's documents copy from it: board, solved, accepted answer."""
    topic = Topic.objects.only("board_id", "accepted_post_id").get(pk=topic.pk)
    PostDocument.objects.filter(topic_id=topic.pk).update(
        board_id=topic.board_id,
        topic_solved=topic.accepted_post_id is not None,
        is_answer=Case(
            When(post_id=topic.accepted_post_id, then=Value(True)), default=Value(False)
        ),
    )


def update_helpful(post: Post) -> None:
    PostDocument.objects.filter(post_id=post.pk).update(helpful_count=post.helpful_count)


def on_post_changed(event: PostChanged) -> None:
    if event.change in (PostChange.DELETED, PostChange.HIDDEN):
        unindex_post(event.post)
    elif event.change == PostChange.HELPFUL:
        update_helpful(event.post)
    else:
        index_post(event.post, with_files=event.change != PostChange.CREATED)


def on_topic_changed(event: TopicChanged) -> None:
    topic = event.topic
    if event.change == TopicChange.CREATED:
        index_post(event.first_post, with_files=False)
    elif event.change == TopicChange.RETITLED:
        first = Post.objects.select_related("topic").filter(topic=topic, number=1).first()
        if first is not None:
            index_post(first)
    elif event.change == TopicChange.MERGED:
        for post in event.moved_posts:
            index_post(post)
        reindex_topic(topic)
    elif event.change in (TopicChange.ANSWER, TopicChange.MOVED):
        reindex_topic(topic)


# --- Rebuild -------------------------------------------------------------------------------------


def _post_batches(batch_size: int) -> Iterator[list[tuple]]:
    """Every searchable post, in id order, a batch at a time (keyset, not OFFSET)."""
    posts = Post.objects.filter(deleted_at__isnull=True).order_by("pk")
    if any(field.name == "hidden_at" for field in Post._meta.get_fields()):
        posts = posts.filter(hidden_at__isnull=True)
    fields = (
        "pk",
        "topic_id",
        "topic__board_id",
        "author_id",
        "author_municipality_id",
        "created_at",
        "number",
        "topic__accepted_post_id",
        "helpful_count",
        "topic__title",
        "body",
    )
    last_id = 0
    while True:
        batch = list(posts.filter(pk__gt=last_id).values_list(*fields)[:batch_size])
        if not batch:
            return
        last_id = batch[-1][0]
        yield batch


def _with_file_texts(batch: list[tuple]) -> list[tuple]:
    """The batch's rows with the text of each post's files appended to its body."""
    extra = _extra_texts([fields[0] for fields in batch])
    return [
        (*fields, title, f"{body}\n{extra[fields[0]]}" if fields[0] in extra else body)
        for *fields, title, body in batch
    ]


def _items(batch: list[tuple]) -> list[tuple[tuple, str, str]]:
    """(row, title, body) of each post of a batch, as ``columns_for_index`` takes them."""
    return [(_row(*fields), title, body) for *fields, title, body in _with_file_texts(batch)]


def _analysed(batch: list[tuple]) -> list[tuple]:
    """The documents of a batch: each row followed by its two text columns."""
    items = _items(batch)
    return _documents(items, columns_for_index(items, connection.vendor))


def _analysed_in_parallel(batches: Iterator[list[tuple]], workers: int) -> Iterator[list[tuple]]:
    """``_analysed`` for each batch, in order, by ``workers`` processes (each loads its own
    dictionary); at most two batches per worker are in flight. A worker returns two strings
    per post, not its tokens: passing the token lists between processes cost more CPU than
    building the strings."""
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        pending: deque = deque()
        for batch in batches:
            items = _items(batch)
            pending.append((items, pool.submit(columns_for_index, items, connection.vendor)))
            if len(pending) >= 2 * workers:
                items, future = pending.popleft()
                yield _documents(items, future.result())
        while pending:
            items, future = pending.popleft()
            yield _documents(items, future.result())


def _documents(items: list[tuple], columns: list[tuple[str, str]]) -> list[tuple]:
    """Each item's row followed by its two text columns, as ``_write_batch`` takes them."""
    return [(*row, *texts) for (row, _t, _b), texts in zip(items, columns, strict=True)]


def rebuild(batch_size: int = 5000, progress=None, workers: int = 1) -> int:
    """Recreate the whole index; returns the number of documents. PostgreSQL loads with COPY
    and builds the GIN index once at the end, which is much faster than row by row. With
    ``workers`` > 1 the text is analysed in that many processes."""
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Foreign keys are checked per row, not queued for the commit: an index cannot be
            # built on a table with pending checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {TABLE}")
            cursor.execute("DROP INDEX IF EXISTS search_doc_terms")
            cursor.execute("DROP INDEX IF EXISTS search_doc_title_terms")
            cursor.execute("DROP INDEX IF EXISTS search_doc_answer_terms")
        else:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        batches = _post_batches(batch_size)
        if workers > 1:
            analysed = _analysed_in_parallel(batches, workers)
        else:
            analysed = map(_analysed, batches)
        for documents in analysed:
            _write_batch(cursor, documents)
            count += len(documents)
            if progress:
                progress(count)
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE INDEX search_doc_terms ON {TABLE} USING gin (terms) WITH ({GIN_OPTIONS})"
            )
            cursor.execute(
                f"CREATE INDEX search_doc_title_terms ON {TABLE} USING gin (title_terms) "
                "WHERE is_first"
            )
            cursor.execute(ANSWER_TERMS_INDEX)
            cursor.execute(f"ANALYZE {TABLE}")
    return count


def _write_batch(cursor, documents: list[tuple]) -> None:
    """Documents are rows of COLUMNS followed by their two text columns."""
    if connection.vendor == "postgresql":
        columns = f"{', '.join(COLUMNS)}, terms, title_terms"
        with cursor.cursor.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
            for document in documents:
                copy.write_row(document)
        return
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    size = len(COLUMNS)
    cursor.executemany(
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
        [document[:size] for document in documents],
    )
    cursor.executemany(
        f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
        [(document[0], *document[size:]) for document in documents],
    )
