"""The worker side of notifications: who is told, checked against what they may read.

Runs in the task worker. Each function loads what it needs by id, filters the recipients with
``forums.permissions.can_view_board`` (the memberships of all recipients of a board come in one
query, so a topic with 500 watchers costs the same few queries as one with five), writes or
groups the notification rows, sends the new unread counts to the members' open pages and
queues the e-mails. Re-running a task does not count an event twice: a group row remembers the
latest post it counted.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.live import user_events
from accounts.models import User
from forums.models import Board, Membership, Post, TopicReadState
from forums.permissions import can_view_board
from notifications.mentions import mentioned_user_ids
from notifications.models import (
    BoardSubscription,
    Delivery,
    Kind,
    Notification,
    TopicSubscription,
)
from notifications.queries import email_deliveries_of
from notifications.verification import verification_decision_message


def readers_of(board: Board, user_ids) -> set[int]:
    """Those of ``user_ids`` who may read ``board``: two queries for any number of people."""
    user_ids = set(user_ids)
    if not user_ids:
        return set()
    users = User.objects.filter(pk__in=user_ids).only(
        "id", "status", "is_active", "is_site_moderator", "is_superuser"
    )
    memberships = {
        membership.user_id: membership
        for membership in Membership.objects.filter(board=board, user_id__in=user_ids)
    }
    return {user.pk for user in users if can_view_board(user, board, memberships.get(user.pk))}


def _post(post_id: int) -> Post | None:
    return Post.objects.select_related("topic__board", "author").filter(pk=post_id).first()


def fan_out_post(post_id: int) -> int:
    """A new topic or reply: mentioned members, then topic watchers (for a reply) or board
    watchers (for a new topic). Someone both mentioned and watching gets one notification,
    the mention. Returns how many members were told."""
    post = _post(post_id)
    if post is None or post.is_deleted or post.is_hidden:
        return 0
    board = post.topic.board
    mentioned = mentioned_user_ids(post.body, board) - {post.author_id}
    if post.is_first:
        watchers = set(
            BoardSubscription.objects.filter(board=board).values_list("user_id", flat=True)
        )
        watcher_kind = Kind.NEW_TOPIC
    else:
        watchers = set(
            TopicSubscription.objects.filter(
                topic_id=post.topic_id, level=TopicSubscription.Level.WATCHING
            ).values_list("user_id", flat=True)
        )
        watcher_kind = Kind.REPLY
        # The worker is behind on a busy topic: a later reply's task tells the watchers about
        # both (its grouped rows count every reply since the last one they counted), so this
        # one only delivers its own mentions; a backlog of fan-outs collapses into one. Only a
        # watcher who wrote every later reply hears of this one from nobody else.
        later_authors = _authors_of_later_replies(post)
        if len(later_authors) > 1:
            watchers = set()
        elif later_authors:
            watchers &= later_authors
    readers = readers_of(board, mentioned | watchers)
    recipients = {user_id: watcher_kind for user_id in (watchers - mentioned - {post.author_id})}
    recipients.update(dict.fromkeys(mentioned, Kind.MENTION))
    recipients = {user_id: kind for user_id, kind in recipients.items() if user_id in readers}
    return record(recipients, post=post, actor_id=post.author_id)


def _authors_of_later_replies(post: Post) -> set[int]:
    """Up to two of the authors of the topic's visible replies after ``post`` (two is enough
    to know that every watcher is told by one of them)."""
    authors = (
        Post.objects.filter(
            topic_id=post.topic_id,
            number__gt=post.number,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .order_by()
        .values_list("author_id", flat=True)
        .distinct()[:2]
    )
    return set(authors)


def deliver_new_mentions(post_id: int, previous_body: str) -> int:
    """An edit that adds ``@name``: only the members the earlier text did not mention yet."""
    post = _post(post_id)
    if post is None or post.is_deleted or post.is_hidden:
        return 0
    board = post.topic.board
    earlier = mentioned_user_ids(previous_body, board)
    added = mentioned_user_ids(post.body, board) - earlier - {post.author_id}
    readers = readers_of(board, added)
    recipients = {user_id: Kind.MENTION for user_id in added if user_id in readers}
    return record(recipients, post=post, actor_id=post.author_id)


def deliver_answer_accepted(post_id: int, actor_id: int) -> int:
    post = _post(post_id)
    if post is None or post.topic.accepted_post_id != post.pk:
        return 0  # the choice was undone before the worker got to it
    if post.author_id not in readers_of(post.topic.board, [post.author_id]):
        return 0
    return record({post.author_id: Kind.ANSWER_ACCEPTED}, post=post, actor_id=actor_id)


def deliver_marked_helpful(post_id: int, actor_id: int) -> int:
    post = _post(post_id)
    if post is None or not post.helpful_marks.filter(user_id=actor_id).exists():
        return 0  # the mark was taken back
    if post.author_id not in readers_of(post.topic.board, [post.author_id]):
        return 0
    return record({post.author_id: Kind.HELPFUL}, post=post, actor_id=actor_id)


def record(recipients: dict[int, str], *, post: Post, actor_id: int | None) -> int:
    """Write one notification per recipient about ``post``, adding to their unread row of the
    same topic and kind when there is one."""
    if not recipients:
        return 0
    for attempt in range(2):
        try:
            with transaction.atomic():
                told = _record_in_transaction(recipients, post, actor_id)
            return told
        except IntegrityError:
            # Another worker created a row of the same group meanwhile: group into it.
            if attempt:
                raise
    return 0


def _record_in_transaction(recipients: dict[int, str], post: Post, actor_id) -> int:
    now = timezone.now()
    topic = post.topic
    deliveries = email_deliveries_of(recipients.keys())
    existing = {
        (row.recipient_id, row.kind): row
        for row in Notification.objects.select_for_update().filter(
            topic=topic,
            read_at__isnull=True,
            recipient_id__in=list(recipients),
            kind__in=set(recipients.values()),
        )
    }
    # A burst of replies to a topic is one e-mail per recipient: a grouped (still unread) row
    # is e-mailed again only when the topic had been quiet for a while before this event.
    quiet_since = now - timedelta(minutes=settings.NOTIFICATIONS_EMAIL_QUIET_MINUTES)
    grouped, digest_rows, new_rows, emailed_again = [], [], [], set()
    unread_replies = _unread_replies(topic, post, recipients, existing)
    for user_id, kind in recipients.items():
        delivery = deliveries[user_id][kind]
        row = existing.get((user_id, kind))
        if row is None:
            new_rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=kind,
                    actor_id=actor_id,
                    board_id=topic.board_id,
                    topic=topic,
                    post=post,
                    count=unread_replies.get(user_id, 1),
                    created_at=now,
                    updated_at=now,
                    in_digest=delivery == Delivery.DIGEST,
                )
            )
        elif _is_new_event(row, post, actor_id):
            grouped.append(row.pk)
            if row.updated_at <= quiet_since:
                emailed_again.add(row.pk)
            if delivery == Delivery.DIGEST:
                digest_rows.append(row.pk)
    if grouped:
        _count_into_groups(grouped, existing, post, actor_id, now)
    if digest_rows:
        Notification.objects.filter(pk__in=digest_rows).update(in_digest=True)
    created = Notification.objects.bulk_create(new_rows)
    ids_by_user = {row.recipient_id: row.pk for row in created}
    ids_by_user.update({row.recipient_id: row.pk for row in existing.values() if row.pk in grouped})
    told = list(ids_by_user)
    send_unread_counts(told)
    new_ids = {row.pk for row in created}
    immediately = [
        ids_by_user[user_id]
        for user_id in told
        if deliveries[user_id][recipients[user_id]] == Delivery.IMMEDIATELY
        and (ids_by_user[user_id] in new_ids or ids_by_user[user_id] in emailed_again)
    ]
    _queue_emails(immediately, post.pk)
    return len(told)


def _unread_replies(topic, post: Post, recipients: dict[int, str], existing) -> dict[int, int]:
    """For each member about to get a new reply row: how many replies up to ``post`` they have
    neither read nor been told about. A coalesced fan-out (the worker behind on a busy topic)
    passed over the earlier replies, so the new row counts them too; a member who read up to
    the previous reply gets 1."""
    new_reply_rows = [
        user_id
        for user_id, kind in recipients.items()
        if kind == Kind.REPLY and (user_id, kind) not in existing
    ]
    if not new_reply_rows:
        return {}
    seen = dict(
        TopicReadState.objects.filter(topic=topic, user_id__in=new_reply_rows).values_list(
            "user_id", "last_read_number"
        )
    )
    # A reply they were already told about (a row they have since marked read) is not new.
    told = (
        Notification.objects.filter(topic=topic, kind=Kind.REPLY, recipient_id__in=new_reply_rows)
        .values("recipient_id")
        .annotate(number=Max("post__number"))
    )
    for row in told:
        seen[row["recipient_id"]] = max(seen.get(row["recipient_id"], 0), row["number"] or 0)
    return {
        user_id: max(1, post.number - max(1, seen.get(user_id, 1))) for user_id in new_reply_rows
    }


def _count_into_groups(grouped, existing, post: Post, actor_id, now) -> None:
    """Add the event to each grouped row. A reply row counts every reply since the one it
    counted last (some may have been passed over by a coalesced fan-out); others count one."""
    rows = [row for row in existing.values() if row.pk in grouped]
    last_numbers = dict(
        Post.objects.filter(pk__in={row.post_id for row in rows if row.post_id}).values_list(
            "pk", "number"
        )
    )
    by_step: dict[int, list[int]] = {}
    for row in rows:
        step = 1
        if row.kind == Kind.REPLY and row.post_id in last_numbers:
            step = max(1, post.number - last_numbers[row.post_id])
        by_step.setdefault(step, []).append(row.pk)
    for step, ids in by_step.items():
        Notification.objects.filter(pk__in=ids).update(
            count=F("count") + step, post=post, actor_id=actor_id, updated_at=now
        )


def _is_new_event(row: Notification, post: Post, actor_id) -> bool:
    """Whether the event is not in the group row yet (a re-run of a task finds it there)."""
    if row.kind == Kind.HELPFUL:
        return (row.post_id, row.actor_id) != (post.pk, actor_id)
    if row.kind == Kind.ANSWER_ACCEPTED:
        return row.post_id != post.pk
    return row.post_id is None or row.post_id < post.pk


def deliver_notice(notice: dict) -> int:
    """A moderator's notice, already worded in the recipient's language."""
    recipient = User.objects.filter(pk=notice["recipient_id"]).first()
    if recipient is None:
        return 0
    return _create_single(
        recipient,
        notice["kind"],
        actor_id=notice.get("actor_id"),
        board_id=notice.get("board_id"),
        subject=notice.get("subject", ""),
        message=notice.get("message", ""),
        reason=notice.get("reason", ""),
        path=notice.get("path", ""),
    )


def deliver_verification(member_id: int, approved: bool, reason: str) -> int:
    member = User.objects.filter(pk=member_id).first()
    if member is None:
        return 0
    subject, _body, path = verification_decision_message(member, approved=approved, reason=reason)
    with translation.override(member.language or settings.LANGUAGE_CODE):
        if approved:
            message = _(
                "A moderator verified your account. You can now read and post on every board."
            )
        else:
            message = _("A moderator could not verify your account.")
    return _create_single(
        member,
        Kind.VERIFICATION,
        subject=subject,
        message=message,
        reason=reason,
        path=path,
        data={"approved": approved},
    )


def deliver_private_message(payload: dict) -> int:
    """Messages in a private conversation: one unread row per member and conversation
    (``path``), counted up; e-mail as each member chose. The conversations app decided who
    takes part and whether each may see the text in an e-mail."""
    told = 0
    path, actor_id = payload["path"], payload["actor_id"]
    for entry in payload["recipients"]:
        recipient = User.objects.filter(pk=entry["user_id"]).first()
        if recipient is None or not recipient.is_verified:
            continue
        delivery = email_deliveries_of([recipient.pk])[recipient.pk][Kind.PRIVATE_MESSAGE]
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update()
                .filter(
                    recipient=recipient,
                    kind=Kind.PRIVATE_MESSAGE,
                    path=path,
                    read_at__isnull=True,
                )
                .first()
            )
            now = timezone.now()
            mention = bool(entry.get("mention"))
            if row is None:
                row = Notification.objects.create(
                    recipient=recipient,
                    kind=Kind.PRIVATE_MESSAGE,
                    actor_id=actor_id,
                    path=path,
                    data={"mention": mention},
                    in_digest=delivery == Delivery.DIGEST,
                    created_at=now,
                    updated_at=now,
                )
            else:
                row.count = F("count") + 1
                row.actor_id = actor_id
                row.updated_at = now
                row.data = {"mention": mention or bool(row.data.get("mention"))}
                row.in_digest = row.in_digest or delivery == Delivery.DIGEST
                row.save(update_fields=["count", "actor", "updated_at", "data", "in_digest"])
            send_unread_counts([recipient.pk])
            if delivery == Delivery.IMMEDIATELY:
                _queue_private_message_email(row.pk, entry.get("excerpt", ""))
        told += 1
    return told


def _queue_private_message_email(notification_id: int, excerpt: str) -> None:
    from notifications import tasks

    transaction.on_commit(
        lambda: tasks.send_private_message_email.enqueue(notification_id, excerpt)
    )


def _create_single(recipient, kind: str, **fields) -> int:
    delivery = email_deliveries_of([recipient.pk])[recipient.pk][kind]
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient, kind=kind, in_digest=delivery == Delivery.DIGEST, **fields
        )
        send_unread_counts([recipient.pk])
        if delivery == Delivery.IMMEDIATELY:
            _queue_emails([notification.pk], None)
    return 1


EMAILS_PER_TASK = 50


def _queue_emails(notification_ids: list[int], post_id: int | None) -> None:
    """One task per batch of e-mails, not per recipient: 500 watchers are 10 tasks."""
    from notifications import tasks

    def enqueue() -> None:
        for start in range(0, len(notification_ids), EMAILS_PER_TASK):
            batch = notification_ids[start : start + EMAILS_PER_TASK]
            tasks.send_notification_emails.enqueue(batch, post_id)

    if notification_ids:
        transaction.on_commit(enqueue)


def send_unread_counts(user_ids) -> None:
    """Each member's open pages get ``{"type": "notification.count", "unread": n}`` after the
    commit (one query for all of them)."""
    user_ids = set(user_ids)
    if not user_ids:
        return
    counts = dict(
        Notification.objects.filter(recipient_id__in=user_ids, read_at__isnull=True)
        .values("recipient_id")
        .annotate(unread=Count("id"))
        .values_list("recipient_id", "unread")
    )
    user_events(
        {
            user_id: {"type": "notification.count", "unread": counts.get(user_id, 0)}
            for user_id in user_ids
        }
    )
