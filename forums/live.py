"""The only place that builds and sends live events about boards and topics.

Topic events are recorded as ``TopicEvent`` rows with a per-topic ``sequence`` inside the writing
transaction, and sent from ``transaction.on_commit``: a rolled-back write never broadcasts.
Channel layers deliver at most once, so a client that notices a gap in the sequence (or that
reconnects) asks for ``events_since(topic, sequence)`` and gets each post as it is now.

Event shapes (JSON, as sent to sockets, server-sent-event streams and the catch-up endpoint):
- ``post.created`` / ``post.edited`` / ``post.deleted`` / ``post.changed`` / ``post.helpful`` /
  ``post.hidden`` / ``post.unhidden`` / ``post.redacted``: ``{"type", "topic_id", "sequence",
  "post_id", "number", "html"}``; ``html`` is ``forums/_post.html`` rendered once for every
  viewer, with viewer-specific controls hidden (the page's script reveals them from the rule
  table and abilities it got with the page: ``forums.permissions.post_controls_for``).
- ``topic.answer``: ``{"type", "topic_id", "sequence", "accepted_post_id", "accepted_html"}``.
- Board groups get ``{"type": "topic.created" | "topic.bumped", "topic_id", "board_id"}``.
- ``topic.locked`` / ``topic.unlocked`` / ``topic.pinned`` / ``topic.unpinned`` /
  ``topic.retitled`` / ``topic.moved`` / ``topic.merged``: ``{"type", "topic_id", "sequence"}``
  (pages reload to show them).

Board and topic groups also get ``{"type": "access.changed"}`` (a board's join policy changed,
the board was deleted, the topic moved or merged): each socket and stream checks its permission
again and closes if refused; topic sockets and streams hear their board's on
``board_access_group``. Services do not call this module: they call ``forums.effects``, which
calls it. User groups (``access.changed``, ``user.event``) belong to ``accounts.live``.
"""

import logging

from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string

from core import broadcast
from core.languages import in_each_language
from core.params import parse_int
from forums import fragments, queries
from forums.models import Post, Topic, TopicEvent

logger = logging.getLogger(__name__)

# Value of the CSRF inputs in HTML rendered for everybody; the page puts its own token in.
SHARED_CSRF_PLACEHOLDER = fragments.SHARED_CSRF_PLACEHOLDER
CATCH_UP_LIMIT = 500


def topic_group(topic_id: int) -> str:
    return f"topic.{topic_id}"


def board_group(board_id: int) -> str:
    return f"board.{board_id}"


def board_access_group(board_id: int) -> str:
    """Every topic socket and event stream of a board, to hear that its access rules changed
    (board pages hear it on ``board_group``)."""
    return f"board-access.{board_id}"


def board_access_changed(board_id: int) -> None:
    """Who may read the board may have changed (join policy, deletion): every socket and stream
    on the board and its topics checks again and closes if refused."""
    for group in (board_group(board_id), board_access_group(board_id)):
        _send_after_commit(group, {"type": "access.changed"})


def topic_access_changed(topic_id: int) -> None:
    """The topic changed board (move) or is going away (merge): its readers check again."""
    _send_after_commit(topic_group(topic_id), {"type": "access.changed"})


def _send_after_commit(group: str, message: dict) -> None:
    transaction.on_commit(lambda: broadcast.send(group, message))


_RAISE_SEQUENCE = (
    f"UPDATE {Topic._meta.db_table} SET event_sequence = event_sequence + 1 "  # noqa: S608
    f"WHERE {Topic._meta.pk.column} = %s RETURNING event_sequence"
)


def _update_returns_rows() -> bool:
    # The SQLite versions that return rows from an INSERT (3.35 on) return them from an UPDATE.
    return connection.features.can_return_columns_from_insert


def _next_sequence(topic_id: int) -> int:
    """Raise the topic's event sequence and return it: one statement where the database can
    return what an UPDATE wrote (PostgreSQL, SQLite 3.35 and later), else an UPDATE and a
    read of the row it has locked."""
    if not _update_returns_rows():
        Topic.objects.filter(pk=topic_id).update(event_sequence=F("event_sequence") + 1)
        return queries.event_sequence_of(topic_id)
    with connection.cursor() as cursor:
        cursor.execute(_RAISE_SEQUENCE, [topic_id])
        return cursor.fetchone()[0]


def _record(topic_id: int, kind: str, post_id: int | None) -> TopicEvent:
    """Hand out the topic's next sequence number. The UPDATE locks the topic row until the
    transaction ends, so events commit in sequence order."""
    sequence = _next_sequence(topic_id)
    return TopicEvent.objects.create(
        topic_id=topic_id, sequence=sequence, kind=kind, post_id=post_id
    )


def _topic_event(topic_id: int, kind: str, post_id: int | None = None) -> None:
    event = _record(topic_id, kind, post_id)

    def send() -> None:
        try:
            topic = queries.topic_now(topic_id)
            # Read once for every language: the post of the event, or the accepted answer.
            post_id = event.post_id
            if event.kind == "topic.answer":
                post_id = topic.accepted_post_id
            post = queries.post_for_event(post_id) if post_id else None
            rendered = in_each_language(lambda: render_event(event, topic=topic, post=post))
        except Exception:
            logger.warning("Live event %s was not rendered", event, exc_info=True)
            return
        broadcast.send(topic_group(topic_id), {"type": "topic.event", "events": rendered})

    transaction.on_commit(send)


def _render_post(post: Post, topic: Topic) -> str:
    # No viewer and no ``post_controls``: every control is hidden; pages reveal theirs. The
    # same HTML serves the next page views of the post (forums.fragments).
    return fragments.shared_html(post, topic)


def render_event(event: TopicEvent, topic: Topic | None = None, post: Post | None = None) -> dict:
    """The JSON of one event, from the database as it is now."""
    topic = topic or queries.topic_now(event.topic_id)
    payload = {"type": event.kind, "topic_id": event.topic_id, "sequence": event.sequence}
    if event.kind == "topic.answer":
        accepted = post if post is not None and post.pk == topic.accepted_post_id else None
        if accepted is None and topic.accepted_post_id:
            accepted = Post.objects.select_related("author", "author_municipality").get(
                pk=topic.accepted_post_id
            )
        payload["accepted_post_id"] = topic.accepted_post_id
        payload["accepted_html"] = render_to_string(
            "forums/_accepted.html", {"topic": topic, "accepted": accepted}
        )
        return payload
    if post is None and event.post_id:
        post = queries.post_for_event(event.post_id)
    if post is not None:
        payload.update(post_id=post.pk, number=post.number, html=_render_post(post, topic))
    if event.kind == "post.created":
        payload["reply_count_text"] = render_to_string(
            "forums/_reply_count.html", {"topic": topic}
        ).strip()
    return payload


def events_since(topic: Topic, sequence: int) -> list[dict] | None:
    """Every event after ``sequence``, or None when too much was missed to replay."""
    rows = list(
        TopicEvent.objects.filter(topic=topic, sequence__gt=sequence).order_by("sequence")[
            : CATCH_UP_LIMIT + 1
        ]
    )
    if len(rows) > CATCH_UP_LIMIT:
        return None
    post_ids = {row.post_id for row in rows if row.post_id}
    posts = Post.objects.select_related("author", "author_municipality").in_bulk(post_ids)
    return [render_event(row, topic=topic, post=posts.get(row.post_id)) for row in rows]


def posts_after(topic: Topic, post_id: int) -> list[dict]:
    """``post.created`` events for every post newer than the one a client has (``?after=``)."""
    posts = (
        Post.objects.filter(topic=topic, pk__gt=post_id)
        .select_related("author", "author_municipality")
        .order_by("number")[:CATCH_UP_LIMIT]
    )
    return [
        {
            "type": "post.created",
            "topic_id": topic.pk,
            "sequence": None,
            "post_id": post.pk,
            "number": post.number,
            "html": _render_post(post, topic),
        }
        for post in posts
    ]


def topic_post_created(post) -> None:
    _topic_event(post.topic_id, "post.created", post.pk)
    _board_event(post.topic, "topic.bumped")


def topic_post_changed(post, event_type: str) -> None:
    _topic_event(post.topic_id, event_type, post.pk)


def topic_answer_changed(topic, previous_post_id: int | None = None) -> None:
    for post_id in {previous_post_id, topic.accepted_post_id} - {None}:
        _topic_event(topic.pk, "post.changed", post_id)
    _topic_event(topic.pk, "topic.answer")


def _board_event(topic, kind: str) -> None:
    _send_after_commit(
        board_group(topic.board_id),
        {
            "type": "board.event",
            "event": {"type": kind, "topic_id": topic.pk, "board_id": topic.board_id},
        },
    )


def board_topic_created(topic) -> None:
    _board_event(topic, "topic.created")


def catch_up(topic_id: int, since: str, after: str) -> list[dict] | None:
    """What a (re)connecting client missed: events after ``since`` (a sequence number), or
    else the posts after ``after`` (a post id). None: too much, the page should reload."""
    topic = Topic.objects.get(pk=topic_id)
    sequence, post_id = parse_int(since), parse_int(after)
    if sequence is not None:
        return events_since(topic, sequence)
    if post_id is not None:
        return posts_after(topic, post_id)
    return []


def topic_changed(topic, kind: str) -> None:
    """The topic itself changed (locked, pinned, retitled, moved …): a recorded event."""
    _topic_event(topic.pk, kind)


def topic_merged(source_id: int, target) -> None:
    """``source_id``'s posts moved to ``target`` and the source is being deleted: the source's
    pages get a one-off ``{"type": "topic.merged", "topic_id", "sequence": null,
    "merged_into"}`` (not recorded: its events go with it); the target's a recorded one."""
    event = {"type": "topic.merged", "topic_id": source_id, "sequence": None}
    event["merged_into"] = target.pk
    _send_after_commit(topic_group(source_id), {"type": "topic.event", "event": event})
    _topic_event(target.pk, "topic.merged")
