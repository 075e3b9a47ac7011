"""Moderating what members wrote: flags, hiding, redaction, and topics (lock, pin, move,
merge, retitle), plus creating boards and changing their settings."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forums import curation, permissions
from forums.models import Board, Post, Topic
from forums.queries import membership_of
from moderation import audit, notify, queries
from moderation.audit import Action
from moderation.live import moderation_counts_changed
from moderation.models import Flag

# Stored in place of a redacted body. Pages show a translated note instead (post.is_redacted).
REDACTED_BODY = "（モデレーターが個人情報を含むため削除しました）"


def _require_post_moderator(actor, post: Post) -> None:
    if not permissions.can_moderate_post(actor, post, membership_of(actor, post.topic.board)):
        raise PermissionDenied(_("Only the moderators of this board can do this."))


def _locked_post(post: Post) -> Post:
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("topic__board", "author")
        .get(pk=post.pk)
    )


def _resolve_flags(actor, post: Post, resolution: str) -> int:
    return Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor, resolution=resolution
    )


def _counts_changed(board: Board) -> None:
    moderation_counts_changed(queries.moderator_ids(board))


# --- Flags --------------------------------------------------------------------------------------


def flag_post(reporter, post: Post, reason: str, note: str = "") -> Flag:
    """Flag a post for the moderators. Flagging again while the first flag is open returns it.
    Once enough different members flagged it (the board's threshold) it is hidden for review."""
    try:
        with transaction.atomic():
            post = _locked_post(post)
            board = post.topic.board
            if not permissions.can_flag_post(reporter, post, membership_of(reporter, board)):
                raise PermissionDenied(_("You cannot flag this post."))
            existing = Flag.objects.filter(
                post=post, reporter=reporter, resolved_at__isnull=True
            ).first()
            if existing is not None:
                return existing
            flag = Flag.objects.create(
                post=post, reporter=reporter, reason=reason, note=note.strip()
            )
            open_count = Flag.objects.filter(post=post, resolved_at__isnull=True).count()
            threshold = board.flag_threshold
            if threshold and open_count >= threshold and not post.is_hidden:
                _hide_automatically(post, open_count)
            _counts_changed(board)
    except IntegrityError:
        return Flag.objects.get(post=post, reporter=reporter, resolved_at__isnull=True)
    return flag


def _hide_automatically(post: Post, flag_count: int) -> None:
    curation.hide_post(post, None, "")  # pages explain it in the reader's language
    audit.record(
        None,
        Action.POST_AUTO_HIDDEN,
        board=post.topic.board,
        post=post,
        topic=post.topic,
        target_user=post.author,
        after={"hidden": True, "flags": flag_count},
    )


@transaction.atomic
def dismiss_flags(actor, post: Post, reason: str = "") -> int:
    """Close the open flags without acting; a post hidden only by flags is shown again."""
    post = _locked_post(post)
    _require_post_moderator(actor, post)
    dismissed = _resolve_flags(actor, post, Flag.Resolution.DISMISSED)
    if not dismissed:
        return 0
    after = {"flags": dismissed}
    if post.is_hidden and post.hidden_by_id is None:
        curation.show_post(post, actor)
        after["hidden"] = False
    audit.record(
        actor,
        Action.FLAGS_DISMISSED,
        board=post.topic.board,
        topic=post.topic,
        post=post,
        target_user=post.author,
        reason=reason.strip(),
        after=after,
    )
    _counts_changed(post.topic.board)
    return dismissed


# --- Hiding and redaction -------------------------------------------------------------------------


@transaction.atomic
def hide_post(actor, post: Post, reason: str) -> Post:
    """Hide a post from everyone but its author and the moderators; the author sees why."""
    post = _locked_post(post)
    _require_post_moderator(actor, post)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write the reason; the author sees it on the post."))
    if post.is_hidden and post.hidden_by_id is not None:
        return post
    before = {"hidden": post.is_hidden}
    curation.hide_post(post, actor, reason)
    flags = _resolve_flags(actor, post, Flag.Resolution.UPHELD)
    audit.record(
        actor,
        Action.POST_HIDDEN,
        board=post.topic.board,
        topic=post.topic,
        post=post,
        target_user=post.author,
        reason=reason,
        before=before,
        after={"hidden": True, "flags": flags},
    )
    notify.post_hidden(actor, post, reason)
    if flags:
        _counts_changed(post.topic.board)
    return post


@transaction.atomic
def unhide_post(actor, post: Post, reason: str = "") -> Post:
    post = _locked_post(post)
    _require_post_moderator(actor, post)
    if not post.is_hidden:
        return post
    before = {"hidden": True, "reason": post.hidden_reason}
    curation.show_post(post, actor)
    flags = _resolve_flags(actor, post, Flag.Resolution.DISMISSED)
    audit.record(
        actor,
        Action.POST_UNHIDDEN,
        board=post.topic.board,
        topic=post.topic,
        post=post,
        target_user=post.author,
        reason=reason.strip(),
        before=before,
        after={"hidden": False, "flags": flags},
    )
    notify.post_unhidden(actor, post)
    if flags:
        _counts_changed(post.topic.board)
    return post


@transaction.atomic
def redact_post(actor, post: Post, reason: str) -> Post:
    """Remove personal data: the body is replaced and every earlier version deleted. The audit
    entry records that it happened and why, never the removed text."""
    post = _locked_post(post)
    _require_post_moderator(actor, post)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write the reason; the author receives it."))
    revisions = post.revisions.count()
    if post.is_redacted and not revisions:
        return post
    curation.redact_post(post, actor, REDACTED_BODY)
    flags = _resolve_flags(actor, post, Flag.Resolution.UPHELD)
    audit.record(
        actor,
        Action.POST_REDACTED,
        board=post.topic.board,
        topic=post.topic,
        post=post,
        target_user=post.author,
        reason=reason,
        after={"redacted": True, "revisions_purged": revisions, "flags": flags},
    )
    notify.post_redacted(actor, post, reason)
    if flags:
        _counts_changed(post.topic.board)
    return post


# --- Topics -------------------------------------------------------------------------------------


def _locked_topic(topic: Topic) -> Topic:
    return (
        Topic.objects.select_for_update(of=("self",))
        .select_related("board", "author")
        .get(pk=topic.pk)
    )


def _require_topic_moderator(actor, topic: Topic) -> None:
    if not permissions.can_moderate_board(actor, topic.board, membership_of(actor, topic.board)):
        raise PermissionDenied(_("Only the moderators of this board can do this."))


@transaction.atomic
def set_locked(actor, topic: Topic, locked: bool, reason: str = "") -> Topic:
    topic = _locked_topic(topic)
    _require_topic_moderator(actor, topic)
    if topic.is_locked == locked:
        return topic
    curation.set_locked(topic, actor, locked)
    audit.record(
        actor,
        Action.TOPIC_LOCKED if locked else Action.TOPIC_UNLOCKED,
        board=topic.board,
        topic=topic,
        target_user=topic.author,
        reason=reason.strip(),
        before={"locked": not locked},
        after={"locked": locked},
    )
    title = topic.title
    notify.topic_changed(
        actor,
        topic,
        lambda: (
            (
                _("A moderator locked your topic “%(topic)s”: only moderators can reply now.")
                if locked
                else _("A moderator unlocked your topic “%(topic)s”.")
            )
            % {"topic": title}
        ),
        reason=reason.strip(),
    )
    return topic


@transaction.atomic
def set_pinned(actor, topic: Topic, pinned: bool) -> Topic:
    topic = _locked_topic(topic)
    _require_topic_moderator(actor, topic)
    if topic.is_pinned == pinned:
        return topic
    curation.set_pinned(topic, actor, pinned)
    audit.record(
        actor,
        Action.TOPIC_PINNED if pinned else Action.TOPIC_UNPINNED,
        board=topic.board,
        topic=topic,
        target_user=topic.author,
        before={"pinned": not pinned},
        after={"pinned": pinned},
    )
    return topic


@transaction.atomic
def retitle_topic(actor, topic: Topic, title: str, reason: str = "") -> Topic:
    topic = _locked_topic(topic)
    _require_topic_moderator(actor, topic)
    title = " ".join(title.split())
    if not title:
        raise ValidationError(_("Give the topic a title."))
    if title == topic.title:
        return topic
    old_title = topic.title
    curation.retitle_topic(topic, actor, title)
    audit.record(
        actor,
        Action.TOPIC_RETITLED,
        board=topic.board,
        topic=topic,
        target_user=topic.author,
        reason=reason.strip(),
        before={"title": old_title},
        after={"title": title},
    )
    notify.topic_changed(
        actor,
        topic,
        lambda: (
            _("A moderator changed the title of your topic from “%(old)s” to “%(new)s”.")
            % {"old": old_title, "new": title}
        ),
        reason=reason.strip(),
    )
    return topic


@transaction.atomic
def move_topic(actor, topic: Topic, destination: Board, reason: str = "") -> Topic:
    """Move a topic with its posts to another board; both boards' counters follow."""
    topic = _locked_topic(topic)
    source = topic.board
    if not permissions.can_move_topic(
        actor, topic, membership_of(actor, source), destination, membership_of(actor, destination)
    ):
        raise PermissionDenied(_("You can only move topics between boards you moderate."))
    if source.pk == destination.pk:
        return topic
    curation.move_topic(topic, actor, destination)
    audit.record(
        actor,
        Action.TOPIC_MOVED,
        board=destination,
        other_board=source,
        topic=topic,
        target_user=topic.author,
        reason=reason.strip(),
        before={"board": source.slug},
        after={"board": destination.slug},
    )
    notify.topic_changed(
        actor,
        topic,
        lambda: (
            _("A moderator moved your topic “%(topic)s” from %(old)s to %(new)s.")
            % {"topic": topic.title, "old": source.name, "new": destination.name}
        ),
        reason=reason.strip(),
    )
    return topic


@transaction.atomic
def merge_topics(actor, source: Topic, target: Topic, reason: str = "") -> Topic:
    """Move every post of ``source`` to the end of ``target`` and delete ``source``.

    Post numbers stay dense: the source's posts are numbered after the target's last post.
    """
    if source.pk == target.pk:
        raise ValidationError(_("A topic cannot be merged into itself."))
    first, second = sorted([source.pk, target.pk])
    locked = {
        topic.pk: topic
        for topic in Topic.objects.select_for_update(of=("self",))
        .select_related("board", "author")
        .filter(pk__in=[first, second])
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    for topic in (source, target):
        _require_topic_moderator(actor, topic)
    offset = target.post_count
    audit.record(
        actor,
        Action.TOPIC_MERGED,
        board=target.board,
        other_board=source.board if source.board_id != target.board_id else None,
        topic=target,
        target_user=source.author,
        label=f"{source.title} → {target.title}",
        reason=reason.strip(),
        before={"topic_id": source.pk, "title": source.title, "board": source.board.slug},
        after={"topic_id": target.pk, "title": target.title, "first_number": offset + 1},
    )
    source_title = source.title
    notify.topic_changed(
        actor,
        source,
        lambda: (
            _("A moderator merged your topic “%(old)s” into “%(new)s”.")
            % {"old": source_title, "new": target.title}
        ),
        reason=reason.strip(),
    )
    curation.merge_topics(source, target, actor)
    return target


# --- Boards -------------------------------------------------------------------------------------


@transaction.atomic
def create_board(actor, **fields) -> Board:
    if not permissions.can_create_board(actor):
        raise PermissionDenied(_("Only site moderators create boards."))
    board = curation.create_board(**fields)
    audit.record(actor, Action.BOARD_CREATED, board=board, label=board.name_ja, after={
        "slug": board.slug, "join_policy": board.join_policy
    })  # fmt: skip
    return board


BOARD_SETTINGS = ("description_ja", "description_en", "join_policy", "flag_threshold")


@transaction.atomic
def update_board(actor, board: Board, **changes) -> Board:
    board = Board.objects.select_for_update().get(pk=board.pk)
    if not permissions.can_moderate_board(actor, board, membership_of(actor, board)):
        raise PermissionDenied(_("Only the moderators of this board can do this."))
    before, after = {}, {}
    for name, value in changes.items():
        if name not in BOARD_SETTINGS:
            raise ValueError(name)
        if getattr(board, name) != value:
            before[name], after[name] = getattr(board, name), value
    if not after:
        return board
    curation.update_board(board, after)
    audit.record(
        actor, Action.BOARD_UPDATED, board=board, label=board.name_ja, before=before, after=after
    )
    return board
