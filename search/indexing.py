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

from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Case, Value, When

from forums.effects import PostChange, PostChanged, TopicChange, TopicChanged
from forums.models import Post, Topic
from search.models import PostDocument
from search.tokenise import tokens

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
MAX_POSITION = 16383  # PostgreSQL keeps positions up to this, and 256 of them per lexeme.
MAX_POSITIONS_PER_TOKEN = 256


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


def tsvector_literal(title_tokens: Iterable[str], body_tokens: Iterable[str]) -> str:
    """A tsvector in PostgreSQL's input syntax, title tokens weighted A. Building it here,
    instead of with to_tsvector, keeps the database's text parser out of it entirely."""
    positions: dict[str, list[str]] = {}
    position = 1
    for token in title_tokens:
        positions.setdefault(token, []).append(f"{position}A")
        position += 1
    position += 1  # a gap, so that no phrase spans the title and the body
    for token in body_tokens:
        places = positions.setdefault(token, [])
        if len(places) < MAX_POSITIONS_PER_TOKEN:
            places.append(str(min(position, MAX_POSITION)))
        position += 1
    return " ".join(f"'{token}':{','.join(places)}" for token, places in positions.items())


def month_token(moment: datetime) -> str:
    """A lexeme no text can produce, naming the month a post was written: a search for a very
    common word can then ask the GIN index for its matches of recent months only."""
    return f"@{moment:%Y%m}"


def _vectors(row: tuple, title_tokens: list[str], body_tokens: list[str]) -> tuple[str, str]:
    terms = tsvector_literal(title_tokens, body_tokens)
    return f"{terms} '{month_token(row[5])}'", tsvector_literal(title_tokens, [])


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


def _document(post: Post, topic: Topic) -> tuple[tuple, list[str], list[str]]:
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
    title_tokens = tokens(topic.title) if post.number == 1 else []
    extra = _extra_texts([post.pk]).get(post.pk, "")
    return row, title_tokens, tokens(f"{post.body}\n{extra}" if extra else post.body)


def index_post(post: Post) -> None:
    """Write (or rewrite) the document of one post; remove it if the post is not searchable."""
    if not is_searchable(post):
        unindex_post(post)
        return
    row, title_tokens, body_tokens = _document(post, post.topic)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    updates = ", ".join(f"{column} = excluded.{column}" for column in COLUMNS[1:])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}, terms, title_terms) "  # noqa: S608
                f"VALUES ({placeholders}, %s::tsvector, %s::tsvector) ON CONFLICT (post_id) "
                f"DO UPDATE SET {updates}, terms = excluded.terms, "
                "title_terms = excluded.title_terms",
                [*row, *_vectors(row, title_tokens, body_tokens)],
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
                [post.pk, " ".join(title_tokens), " ".join(body_tokens)],
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
        index_post(event.post)


def on_topic_changed(event: TopicChanged) -> None:
    topic = event.topic
    if event.change == TopicChange.CREATED:
        index_post(event.first_post)
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


def documents_of(batch: list[tuple]) -> list[tuple[tuple, list[str], list[str]]]:
    documents = []
    extra = _extra_texts([fields[0] for fields in batch])
    for *fields, title, body in batch:
        row = _row(*fields)
        if row[0] in extra:
            body = f"{body}\n{extra[row[0]]}"
        documents.append((row, tokens(title) if row[6] else [], tokens(body)))
    return documents


def rebuild(batch_size: int = 5000, progress=None) -> int:
    """Recreate the whole index; returns the number of documents. PostgreSQL loads with COPY
    and builds the GIN index once at the end, which is much faster than row by row."""
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
        else:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        for batch in _post_batches(batch_size):
            documents = documents_of(batch)
            _write_batch(cursor, documents)
            count += len(documents)
            if progress:
                progress(count)
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE INDEX search_doc_terms ON {TABLE} USING gin (terms)")
            cursor.execute(
                f"CREATE INDEX search_doc_title_terms ON {TABLE} USING gin (title_terms) "
                "WHERE is_first"
            )
            cursor.execute(f"ANALYZE {TABLE}")
    return count


def _write_batch(cursor, documents) -> None:
    if connection.vendor == "postgresql":
        columns = f"{', '.join(COLUMNS)}, terms, title_terms"
        with cursor.cursor.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
            for row, title_tokens, body_tokens in documents:
                copy.write_row((*row, *_vectors(row, title_tokens, body_tokens)))
        return
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    cursor.executemany(
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
        [row for row, _title, _body in documents],
    )
    cursor.executemany(
        f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
        [(row[0], " ".join(title), " ".join(body)) for row, title, body in documents],
    )
