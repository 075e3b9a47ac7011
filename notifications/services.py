"""Every write of notifications that other apps and the pages ask for.

``on_post_changed``, ``on_topic_changed`` and ``topic_read`` are subscribed to ``forums.effects``
(the door every post and topic write goes through) in ``NotificationsConfig.ready``; the
``notify_*`` verbs are called by moderation's services. All run inside the writer's transaction and
only queue a task once the transaction commits: finding the recipients, checking that each may read
what they are told about, writing the notifications and sending e-mail all happen in the task worker
(``notifications.delivery``), never in the request of the person who acted. Sentences that the
calling code words itself (moderators' notices) are put into the recipient's language here, while
the request still has them.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from forums import permissions
from forums.effects import PostChange, PostChanged, TopicChange, TopicChanged
from forums.models import Board, Post, Topic
from forums.queries import membership_of
from notifications import tasks
from notifications.delivery import send_unread_counts
from notifications.models import (
    DIGEST,
    BoardSubscription,
    Delivery,
    EmailPreference,
    Kind,
    Notification,
    TopicSubscription,
)
from notifications.queries import email_deliveries

Words = Callable[[], str]


def _enqueue_after_commit(task, *args) -> None:
    transaction.on_commit(lambda: task.enqueue(*args))


# --- Events from the boards -----------------------------------------------------------------


def _new_topic(topic: Topic, post: Post) -> None:
    """A topic was started: its author watches it; board watchers and mentioned members are
    told in the background."""
    _watch_unless_muted(post.author_id, topic.pk)
    _enqueue_after_commit(tasks.fan_out_post, post.pk)


def _reply(post: Post) -> None:
    """A reply was posted: its author watches the topic (unless they muted it); watchers and
    mentioned members are told in the background."""
    _watch_unless_muted(post.author_id, post.topic_id)
    _enqueue_after_commit(tasks.fan_out_post, post.pk)


def _post_edited(post: Post, previous_body: str) -> None:
    """Members newly mentioned by an edit are told, once; the others already were."""
    if "@" in post.body or "＠" in post.body:
        _enqueue_after_commit(tasks.deliver_new_mentions, post.pk, previous_body)


def _answer_accepted(actor, topic: Topic, post: Post | None) -> None:
    if post is None or post.author_id == actor.pk:
        return
    _enqueue_after_commit(tasks.deliver_answer_accepted, post.pk, actor.pk)


def _marked_helpful(actor, post: Post) -> None:
    if post.author_id == actor.pk:
        return
    _enqueue_after_commit(tasks.deliver_marked_helpful, post.pk, actor.pk)


# --- Private conversations -----------------------------------------------------------------


def notify_private_message(recipients: list[dict], *, actor, path: str) -> None:
    """A message in a private conversation. ``recipients``: ``{"user_id", "mention",
    "excerpt"}`` for each participant to tell; ``excerpt`` is empty unless that member allows
    message text in e-mails. Unread events of one conversation are grouped in one row."""
    if recipients:
        _enqueue_after_commit(
            tasks.deliver_private_message,
            {"recipients": recipients, "actor_id": actor.pk, "path": path},
        )


def private_conversation_read(user, path: str) -> None:
    """The member read a conversation (or left it): what they were told about it is read."""
    marked = Notification.objects.filter(
        recipient=user, kind=Kind.PRIVATE_MESSAGE, path=path, read_at__isnull=True
    ).update(read_at=timezone.now(), in_digest=False)
    if marked:
        _count_changed(user)


def on_post_changed(event: PostChanged) -> None:
    if event.change == PostChange.CREATED:
        _reply(event.post)
    elif event.change == PostChange.EDITED:
        _post_edited(event.post, event.previous_body)
    elif event.change == PostChange.HELPFUL and event.marked:
        _marked_helpful(event.actor, event.post)


def on_topic_changed(event: TopicChanged) -> None:
    if event.change == TopicChange.CREATED:
        _new_topic(event.topic, event.first_post)
    elif event.change == TopicChange.ANSWER:
        _answer_accepted(event.actor, event.topic, event.answer)


# --- Notices about a member's own account, memberships and content --------------------------


def _in_language_of(recipient, words: Words) -> str:
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        return str(words())


def _notice(
    kind: str,
    recipient,
    actor,
    subject: Words,
    message: Words,
    *,
    reason: str = "",
    path: str = "",
    board: Board | None = None,
) -> None:
    if recipient is None or (actor is not None and actor.pk == recipient.pk):
        return
    _enqueue_after_commit(
        tasks.deliver_notice,
        {
            "kind": kind,
            "recipient_id": recipient.pk,
            "actor_id": actor.pk if actor is not None else None,
            "board_id": board.pk if board is not None else None,
            "subject": _in_language_of(recipient, subject)[:200],
            "message": _in_language_of(recipient, message),
            "reason": reason,
            "path": path,
        },
    )


def notify_join_decided(recipient, actor, subject: Words, message: Words, **details) -> None:
    """A board moderator approved or declined the member's request to join."""
    _notice(Kind.JOIN_DECIDED, recipient, actor, subject, message, **details)


def notify_moderation_action(recipient, actor, subject: Words, message: Words, **details) -> None:
    """A moderator acted on the member's post, topic or membership."""
    _notice(Kind.MODERATION, recipient, actor, subject, message, **details)


def notify_meeting(recipient_ids, actor, subject: Words, message: Words, **details) -> None:
    """A meeting the members answered is coming up, was moved or was cancelled. Each is told
    in their own language; the actor is not told about their own change."""
    for recipient in User.objects.filter(pk__in=list(recipient_ids), is_active=True):
        _notice(Kind.MEETING, recipient, actor, subject, message, **details)


def notify_verification_decided(member, *, approved: bool, reason: str = "") -> None:
    """A site moderator verified the member or declined to. The e-mail keeps the wording of
    ``notifications/email/verification_*.txt`` (``notifications.verification``)."""
    _enqueue_after_commit(tasks.deliver_verification, member.pk, approved, reason)


def notify_question_for_you(recipient, topic: Topic, field_name: str) -> None:
    """A question in a field the member knows has waited without a reply; they said "ask me"."""
    _notice(
        Kind.QUESTION,
        recipient,
        None,
        lambda: _("A question in %(field)s is waiting for an answer") % {"field": field_name},
        lambda: (
            _(
                "“%(title)s” has had no reply yet. You did this job and said colleagues "
                "may ask you: could you help?"
            )
            % {"title": topic.title}
        ),
        board=topic.board,
        path=topic.get_absolute_url(),
    )


# --- Watching -------------------------------------------------------------------------------


_opts = TopicSubscription._meta
# Written once: Django's bulk_create builds the same statement for about 0.5 ms every reply.
_WATCH_UNLESS_SUBSCRIBED = (
    f"INSERT INTO {_opts.db_table} ({_opts.get_field('user').column}, "  # noqa: S608
    f"{_opts.get_field('topic').column}, {_opts.get_field('level').column}, "
    f"{_opts.get_field('created_at').column}) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING"
)


def _watch_unless_muted(user_id: int, topic_id: int) -> None:
    """One INSERT in the poster's transaction that does nothing when the member already has a
    subscription to the topic (PostgreSQL and SQLite alike), so a mute never turns back into a
    watch."""
    with connection.cursor() as cursor:
        cursor.execute(
            _WATCH_UNLESS_SUBSCRIBED,
            [
                user_id,
                topic_id,
                TopicSubscription.Level.WATCHING,
                connection.ops.adapt_datetimefield_value(timezone.now()),
            ],
        )


def _require_reader(user, board: Board) -> None:
    if not permissions.can_view_board(user, board, membership_of(user, board)):
        raise PermissionDenied(_("You cannot read this board."))


def _set_topic_level(user, topic: Topic, level: str) -> TopicSubscription:
    _require_reader(user, topic.board)
    subscription, _created = TopicSubscription.objects.update_or_create(
        user=user, topic=topic, defaults={"level": level}
    )
    return subscription


@transaction.atomic
def watch_topic(user, topic: Topic) -> TopicSubscription:
    return _set_topic_level(user, topic, TopicSubscription.Level.WATCHING)


@transaction.atomic
def mute_topic(user, topic: Topic) -> TopicSubscription:
    """Nothing more about this topic, not even automatic watching when replying; unread
    reply notifications of the topic are put away."""
    subscription = _set_topic_level(user, topic, TopicSubscription.Level.MUTED)
    Notification.objects.filter(
        recipient=user, topic=topic, kind=Kind.REPLY, read_at__isnull=True
    ).update(read_at=timezone.now(), in_digest=False)
    return subscription


@transaction.atomic
def stop_watching_topic(user, topic: Topic) -> None:
    TopicSubscription.objects.filter(user=user, topic=topic).delete()


@transaction.atomic
def watch_board(user, board: Board) -> BoardSubscription:
    _require_reader(user, board)
    subscription, _created = BoardSubscription.objects.get_or_create(user=user, board=board)
    return subscription


@transaction.atomic
def stop_watching_board(user, board: Board) -> None:
    BoardSubscription.objects.filter(user=user, board=board).delete()


# --- Reading --------------------------------------------------------------------------------


def _count_changed(user) -> None:
    send_unread_counts([user.pk])


@transaction.atomic
def mark_read(user, notification_ids) -> int:
    marked = Notification.objects.filter(
        recipient=user, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=timezone.now(), in_digest=False)
    if marked:
        _count_changed(user)
    return marked


@transaction.atomic
def mark_all_read(user) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now(), in_digest=False
    )
    if marked:
        _count_changed(user)
    return marked


def topic_read(user, topic: Topic) -> None:
    """The member read further in a topic: what they were told about it is read too."""
    marked = Notification.objects.filter(
        recipient=user, topic=topic, read_at__isnull=True, kind__in=[Kind.REPLY, Kind.MENTION]
    ).update(read_at=timezone.now(), in_digest=False)
    if marked:
        _count_changed(user)


# --- E-mail preferences ---------------------------------------------------------------------


@transaction.atomic
def set_email_preferences(user, choices: dict[str, str]) -> None:
    for kind, delivery in choices.items():
        if kind not in Kind.values or delivery not in Delivery.values:
            raise ValidationError(_("Choose how to receive each kind of e-mail."))
        EmailPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
    # Whatever waited for a digest that is no longer wanted is dropped from it.
    not_in_digest = [kind for kind, delivery in choices.items() if delivery != Delivery.DIGEST]
    Notification.objects.filter(recipient=user, kind__in=not_in_digest, in_digest=True).update(
        in_digest=False
    )


@transaction.atomic
def unsubscribe(user, kind: str) -> list[str]:
    """Stop e-mail of one kind, or (``"digest"``) the whole daily digest. Returns the kinds
    turned off."""
    if kind == DIGEST:
        current = email_deliveries(user)
        kinds = [name for name, delivery in current.items() if delivery == Delivery.DIGEST]
    elif kind in Kind.values:
        kinds = [kind]
    else:
        raise ValidationError(_("This unsubscribe link is not valid."))
    set_email_preferences(user, dict.fromkeys(kinds, Delivery.OFF))
    return kinds
