"""The daily digest: one morning e-mail with what waited for it.

Notifications of the kinds a member gets "in the daily digest" are flagged ``in_digest`` when
they are written; new topics in watched boards are among them by default. The digest lists the
unread ones the member may still read, grouped (new topics first), then clears the flags.

The daily run plans itself: ``send_daily_digests`` queues one ``send_digest`` per member and
then enqueues itself again for the next morning (``run_after``); ``ensure_scheduled`` (called by
``manage.py send_digests --schedule``, which the launcher runs) starts the chain when none is
waiting, so restarting the site never plans two.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from forums.queries import memberships_by_board
from notifications.emails import base_context, send
from notifications.models import DIGEST, Kind, Notification
from notifications.queries import visible
from notifications.text import describe


def digest_entries(user) -> list[Notification]:
    """The unread notifications waiting for the member's digest that they may still read."""
    rows = (
        Notification.objects.filter(recipient=user, in_digest=True, read_at__isnull=True)
        .select_related("actor__municipality", "topic__board", "board")
        .order_by("kind", "updated_at", "id")
    )
    memberships = memberships_by_board(user)
    return [row for row in rows if visible(row, user, memberships)]


def send_digest(user_id: int) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    entries = digest_entries(user)
    if entries and user.is_verified:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            new_topics = [entry for entry in entries if entry.kind == Kind.NEW_TOPIC]
            others = [entry for entry in entries if entry.kind != Kind.NEW_TOPIC]
            context = {
                **base_context(user, DIGEST),
                "new_topics": [(entry, describe(entry)) for entry in new_topics],
                "others": [(entry, describe(entry)) for entry in others],
                "total": len(entries),
            }
            subject = render_to_string("notifications/email/digest_subject.txt", context)
            text = render_to_string("notifications/email/digest.txt", context)
            html = render_to_string("notifications/email/digest.html", context)
        send(user, subject, text, html, kind=DIGEST)
    Notification.objects.filter(recipient=user, in_digest=True).update(in_digest=False)
    return bool(entries)


def members_with_digest() -> list[int]:
    return list(
        Notification.objects.filter(in_digest=True, read_at__isnull=True)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def queue_digests() -> int:
    from notifications import tasks

    user_ids = members_with_digest()
    for user_id in user_ids:
        tasks.send_digest.enqueue(user_id)
    return len(user_ids)


def next_run(now: datetime | None = None) -> datetime:
    """The next ``NOTIFICATIONS_DIGEST_HOUR`` o'clock, site time (Asia/Tokyo)."""
    now = timezone.localtime(now or timezone.now())
    moment = timezone.make_aware(
        datetime.combine(now.date(), time(settings.NOTIFICATIONS_DIGEST_HOUR))
    )
    return moment if moment > now else moment + timedelta(days=1)


def _waiting_run_exists() -> bool:
    from django_tasks_db.models import DBTaskResult

    from notifications import tasks

    return DBTaskResult.objects.filter(
        task_path=tasks.send_daily_digests.module_path, status="READY"
    ).exists()


def schedule_next_run() -> bool:
    """Plan the next daily run, unless one is already waiting. Only the database backend can
    hold a task until a given time; with another backend, run ``send_digests`` from cron."""
    from django_tasks_db import DatabaseBackend

    from notifications import tasks

    if not isinstance(tasks.send_daily_digests.get_backend(), DatabaseBackend):
        return False
    with transaction.atomic():
        if _waiting_run_exists():
            return False
        tasks.send_daily_digests.using(run_after=next_run()).enqueue()
    return True
