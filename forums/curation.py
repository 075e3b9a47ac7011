"""Moderators' decisions on boards, memberships, topics and posts: the rows and counters change
here, because ``forums`` alone writes them.

These verbs check no permission: the ``moderation`` app decides who may do what (with
``forums.permissions``), calls one verb here, and writes its audit log and its notices to the
member. Each verb runs in the caller's transaction, takes rows the caller has locked (or locks
them itself) and goes through ``forums.effects`` for the index, the live event and
notifications, like every other write on posts and topics.
"""

from django.db.models import F
from django.utils import timezone

from accounts.live import member_access_changed
from forums import effects
from forums.effects import PostChange, TopicChange
from forums.models import Board, Membership, Post, Topic, TopicReadState, TopicRedirect
from forums.services import adjust_member_count

# --- Memberships --------------------------------------------------------------------------------


def approve_requests(decided_by, memberships: list[Membership]) -> None:
    """Pending requests (locked by the caller) become active members of their board."""
    now = timezone.now()
    for membership in memberships:
        membership.state = Membership.State.ACTIVE
        membership.decided_at = now
        membership.decided_by = decided_by
        membership.save(update_fields=["state", "decided_at", "decided_by"])
    if memberships:
        adjust_member_count(memberships[0].board, len(memberships))


def reject_request(decided_by, membership: Membership, reason: str) -> None:
    membership.state = Membership.State.REJECTED
    membership.decided_at = timezone.now()
    membership.decided_by = decided_by
    membership.decision_reason = reason
    membership.save(update_fields=["state", "decided_at", "decided_by", "decision_reason"])


def remove_member(membership: Membership) -> None:
    """Take an active member out of the board; their open pages check their access again."""
    membership.delete()
    adjust_member_count(membership.board, -1)
    member_access_changed(membership.user)


def ban_member(
    decided_by, board: Board, user, membership: Membership | None, reason: str, until
) -> Membership:
    """Ban ``user`` (their locked membership, or None) until ``until`` (None: for good)."""
    was_active = membership is not None and membership.is_active
    membership = membership or Membership(user=user, board=board)
    membership.state = Membership.State.BANNED
    membership.role = Membership.Role.MEMBER
    membership.banned_until = until
    membership.decision_reason = reason
    membership.decided_by = decided_by
    membership.decided_at = timezone.now()
    membership.save()
    adjust_member_count(board, -1 if was_active else 0)
    member_access_changed(user)
    return membership


def lift_ban(membership: Membership) -> None:
    membership.delete()


def set_role(membership: Membership, role: str) -> None:
    membership.role = role
    membership.save(update_fields=["role"])


def invite_member(decided_by, board: Board, user, membership: Membership | None) -> Membership:
    """Invite ``user`` (their locked membership, or None); they accept on the board page."""
    membership = membership or Membership(user=user, board=board)
    membership.board = board
    membership.state = Membership.State.INVITED
    membership.role = Membership.Role.MEMBER
    membership.decided_by = decided_by
    membership.decided_at = timezone.now()
    membership.save()
    return membership


# --- Posts --------------------------------------------------------------------------------------


def hide_post(post: Post, hidden_by, reason: str) -> None:
    """Hide a post from everyone but its author and the moderators. ``hidden_by`` None: hidden
    automatically after enough flags (pages explain it in the reader's language)."""
    post.hidden_at = timezone.now()
    post.hidden_by = hidden_by
    post.hidden_reason = reason
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    effects.post_changed(post, PostChange.HIDDEN, actor=hidden_by)


def show_post(post: Post, actor) -> None:
    post.hidden_at = None
    post.hidden_by = None
    post.hidden_reason = ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    effects.post_changed(post, PostChange.UNHIDDEN, actor=actor)


def redact_post(post: Post, actor, body: str) -> None:
    """Replace the body with ``body`` and delete every earlier version."""
    post.revisions.all().delete()
    post.body = body
    post.html = ""
    post.redacted_at = timezone.now()
    post.save(update_fields=["body", "html", "redacted_at"])
    effects.post_changed(post, PostChange.REDACTED, actor=actor)


# --- Topics -------------------------------------------------------------------------------------


def set_locked(topic: Topic, actor, locked: bool) -> None:
    topic.is_locked = locked
    topic.save(update_fields=["is_locked"])
    effects.topic_changed(
        topic, TopicChange.LOCKED if locked else TopicChange.UNLOCKED, actor=actor
    )


def set_pinned(topic: Topic, actor, pinned: bool) -> None:
    topic.is_pinned = pinned
    topic.save(update_fields=["is_pinned"])
    effects.topic_changed(
        topic, TopicChange.PINNED if pinned else TopicChange.UNPINNED, actor=actor
    )


def retitle_topic(topic: Topic, actor, title: str) -> None:
    topic.title = title
    topic.save(update_fields=["title"])
    effects.topic_changed(topic, TopicChange.RETITLED, actor=actor)


def move_topic(topic: Topic, actor, destination: Board) -> None:
    """Move a topic with its posts to another board; both boards' counters follow."""
    posts = topic.post_count
    Board.objects.filter(pk=topic.board_id).update(
        topic_count=F("topic_count") - 1, post_count=F("post_count") - posts
    )
    Board.objects.filter(pk=destination.pk).update(
        topic_count=F("topic_count") + 1, post_count=F("post_count") + posts
    )
    topic.board = destination
    topic.save(update_fields=["board"])
    effects.topic_changed(topic, TopicChange.MOVED, actor=actor)


def merge_topics(source: Topic, target: Topic, actor) -> int:
    """Move every post of ``source`` (locked) to the end of ``target`` (locked) and delete
    ``source``; old links to it redirect. Returns the number the first moved post got.

    Post numbers stay dense: the source's posts are numbered after the target's last post.
    """
    offset = target.post_count
    moved = list(Post.objects.filter(topic=source).order_by("number"))
    for post in moved:
        post.topic = target
        post.number = offset + post.number
    Post.objects.bulk_update(moved, ["topic", "number"])
    target.post_count = offset + source.post_count
    target.reply_count = target.reply_count + source.post_count
    if source.last_posted_at > target.last_posted_at:
        target.last_posted_at = source.last_posted_at
        target.last_poster_id = source.last_poster_id
    if target.accepted_post_id is None and source.accepted_post_id is not None:
        target.accepted_post_id = source.accepted_post_id
    target.save(
        update_fields=[
            "post_count", "reply_count", "last_posted_at", "last_poster", "accepted_post"
        ]
    )  # fmt: skip
    target.tags.add(*source.tags.all())
    Board.objects.filter(pk=source.board_id).update(
        topic_count=F("topic_count") - 1, post_count=F("post_count") - source.post_count
    )
    Board.objects.filter(pk=target.board_id).update(post_count=F("post_count") + source.post_count)
    TopicReadState.objects.filter(topic=source).delete()
    TopicRedirect.objects.filter(topic=source).update(topic=target)
    TopicRedirect.objects.create(old_topic_id=source.pk, topic=target)
    effects.topic_changed(
        target, TopicChange.MERGED, actor=actor, moved_posts=tuple(moved), merged_from_id=source.pk
    )
    source.delete()
    return offset + 1


# --- Boards -------------------------------------------------------------------------------------


def create_board(**fields) -> Board:
    board = Board(**fields)
    board.full_clean()
    board.save()
    return board


def update_board(board: Board, changes: dict) -> None:
    """Apply changed settings (names → values) to a board the caller locked."""
    for name, value in changes.items():
        setattr(board, name, value)
    board.full_clean()
    board.save(update_fields=list(changes))
    if "join_policy" in changes:
        effects.board_access_changed(board)
