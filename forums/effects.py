"""The one door after every write to a post or a topic.

Whatever app changes a post or a topic (a member replying, a moderator hiding a post, any later
feature that writes posts) calls ``post_changed`` or ``topic_changed`` once, inside the writing
transaction, and nothing else. The door then performs every effect of that change:

1. the change is recorded as a ``TopicEvent`` and broadcast to open pages after the commit
   (``forums.live``), so a rolled-back write never broadcasts;
2. the apps that keep a copy of forum content (the search index) update it inside the same
   transaction, so that counts and result lists never disagree with the posts;
3. the apps that tell people about it (notifications) are called and queue their work to run
   after the commit.

The apps of steps 2 and 3 sit above ``forums`` (they read posts and boards), so ``forums`` cannot
import them; each registers itself here from its ``AppConfig.ready``. A new feature that writes
posts therefore gets indexing, the live event and notifications by calling the door, and an app
that reacts to posts gets every kind of write by subscribing once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from forums import live
from forums.models import Post, Topic


class PostChange(StrEnum):
    """What happened to a post; the value is the type of its live event."""

    CREATED = "post.created"
    EDITED = "post.edited"
    DELETED = "post.deleted"
    HELPFUL = "post.helpful"
    HIDDEN = "post.hidden"
    UNHIDDEN = "post.unhidden"
    REDACTED = "post.redacted"


class TopicChange(StrEnum):
    """What happened to a topic; the value is the type of its live event."""

    CREATED = "topic.created"
    ANSWER = "topic.answer"
    LOCKED = "topic.locked"
    UNLOCKED = "topic.unlocked"
    PINNED = "topic.pinned"
    UNPINNED = "topic.unpinned"
    RETITLED = "topic.retitled"
    MOVED = "topic.moved"
    MERGED = "topic.merged"


@dataclass(frozen=True)
class PostChanged:
    """The facts about a post change that a subscriber may need.

    ``actor``: who did it (None for the system, e.g. hiding after enough flags);
    ``previous_body``: the body before an edit; ``marked``: for ``HELPFUL``, whether the
    actor's mark was added (True) or taken back (False).
    """

    post: Post
    change: PostChange
    actor: object = None
    previous_body: str = ""
    marked: bool = False


@dataclass(frozen=True)
class TopicChanged:
    """The facts about a topic change.

    ``first_post``: for ``CREATED``; ``previous_answer_id`` / ``answer``: for ``ANSWER``;
    ``moved_posts`` and ``merged_from_id``: for ``MERGED`` (the posts now in this topic and
    the id of the topic they came from, which is being deleted).
    """

    topic: Topic
    change: TopicChange
    actor: object = None
    first_post: Post | None = None
    previous_answer_id: int | None = None
    answer: Post | None = None
    moved_posts: tuple[Post, ...] = ()
    merged_from_id: int | None = None


@dataclass(frozen=True)
class Subscriber:
    name: str
    post_changed: Callable[[PostChanged], None] | None = None
    topic_changed: Callable[[TopicChanged], None] | None = None
    topic_read: Callable[[object, Topic], None] | None = None


# In registration order: INSTALLED_APPS order, i.e. the search index before notifications.
_subscribers: dict[str, Subscriber] = {}


def subscribe(name: str, **handlers) -> None:
    """Register an app's handlers (called from its ``AppConfig.ready``; again is harmless)."""
    _subscribers[name] = Subscriber(name, **handlers)


def subscribers() -> list[Subscriber]:
    return list(_subscribers.values())


def post_changed(post: Post, change: PostChange, *, actor=None, **facts) -> None:
    """Every effect of a change to one post. Call inside the writing transaction."""
    event = PostChanged(post=post, change=change, actor=actor, **facts)
    if change == PostChange.CREATED:
        live.topic_post_created(post)
    else:
        live.topic_post_changed(post, change.value)
    for subscriber in _subscribers.values():
        if subscriber.post_changed is not None:
            subscriber.post_changed(event)


def topic_changed(topic: Topic, change: TopicChange, *, actor=None, **facts) -> None:
    """Every effect of a change to a topic. Call inside the writing transaction."""
    event = TopicChanged(topic=topic, change=change, actor=actor, **facts)
    if change == TopicChange.CREATED:
        live.board_topic_created(topic)
    elif change == TopicChange.ANSWER:
        live.topic_answer_changed(topic, event.previous_answer_id)
    elif change == TopicChange.MERGED:
        live.topic_merged(event.merged_from_id, topic)
        # The source topic is going: its open sockets and streams check again and close.
        live.topic_access_changed(event.merged_from_id)
    else:
        live.topic_changed(topic, change.value)
        if change == TopicChange.MOVED:
            # Readers of the old board may not read the new one.
            live.topic_access_changed(topic.pk)
    for subscriber in _subscribers.values():
        if subscriber.topic_changed is not None:
            subscriber.topic_changed(event)


def board_access_changed(board) -> None:
    """Who may read the board may have changed (its join policy, its deletion): every socket
    and stream on the board and its topics checks again after the commit."""
    live.board_access_changed(board.pk)


def topic_read(user, topic: Topic) -> None:
    """The member read further in a topic (their read marker moved)."""
    for subscriber in _subscribers.values():
        if subscriber.topic_read is not None:
            subscriber.topic_read(user, topic)
