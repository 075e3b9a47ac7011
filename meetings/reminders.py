"""Reminders the day before and an hour before a meeting, sent by the task worker, once each.

Scheduling a meeting (or moving it) queues one deferred task per reminder for its moment
(``run_after``). The task checks the meeting as it is then: a cancelled meeting, or one moved
since (its ``sequence`` changed: the move queued new tasks), sends nothing; a reminder that is
not due yet queues itself again for its moment. The reminder is claimed with one conditional
UPDATE (``…_reminder_sent_at IS NULL``), so two workers, a re-run or a sweep never send it
twice. ``send_due_reminders`` (``manage.py send_meeting_reminders``) is the same for backends
that cannot hold a task until a time: run it from cron every few minutes.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Meeting, Rsvp
from meetings.queries import recipients_of
from meetings.text import when_text
from notifications import services as notifications

SENT, SKIPPED = "sent", "skipped"

OFFSETS = {"day": timedelta(days=1), "hour": timedelta(hours=1)}
FIELDS = {"day": "day_reminder_sent_at", "hour": "hour_reminder_sent_at"}
# A reminder is sent if the worker gets to it up to this much before its moment.
EARLY = timedelta(minutes=2)


def _due(meeting, kind: str, now) -> bool:
    moment = meeting.starts_at - OFFSETS[kind]
    if now < moment - EARLY or now >= meeting.starts_at:
        return False
    # The day reminder is pointless once the hour reminder is due.
    return kind == "hour" or now < meeting.starts_at - OFFSETS["hour"]


def send_reminder(meeting_id: int, kind: str, sequence: int):
    """The worker's side of one queued reminder: ``SENT``, ``SKIPPED`` (cancelled, moved,
    already sent, too late) or the moment to try again."""
    meeting = Meeting.objects.select_related("board").filter(pk=meeting_id).first()
    if meeting is None or meeting.is_cancelled or meeting.sequence != sequence:
        return SKIPPED
    now = timezone.now()
    moment = meeting.starts_at - OFFSETS[kind]
    if now < moment - EARLY:
        return moment  # too early (a worker clock ahead, or a manual re-run): try again then
    if not _due(meeting, kind, now):
        return SKIPPED
    return SENT if _claim_and_send(meeting, kind, now) else SKIPPED


def send_due_reminders(now=None) -> int:
    """Send every reminder that is due now and was not sent (the cron way). Returns how many."""
    now = now or timezone.now()
    sent = 0
    candidates = Meeting.objects.select_related("board").filter(
        cancelled_at__isnull=True, starts_at__gt=now, starts_at__lte=now + OFFSETS["day"] + EARLY
    )
    for meeting in candidates:
        for kind in ("hour", "day"):
            if getattr(meeting, FIELDS[kind]) is None and _due(meeting, kind, now):
                sent += _claim_and_send(meeting, kind, now)
                break
    return sent


def _claim_and_send(meeting, kind: str, now) -> bool:
    field = FIELDS[kind]
    with transaction.atomic():
        claimed = Meeting.objects.filter(
            pk=meeting.pk, sequence=meeting.sequence, cancelled_at__isnull=True, **{field: None}
        ).update(**{field: now})
        if not claimed:
            return False
        if kind == "hour":
            # Once the hour reminder went out, a late day reminder would only repeat it.
            Meeting.objects.filter(pk=meeting.pk, day_reminder_sent_at=None).update(
                day_reminder_sent_at=now
            )

        def values() -> dict:
            # Written in the recipient's language (the date format differs).
            return {"title": meeting.title, "when": when_text(meeting), "link": meeting.video_url}

        def subject() -> str:
            if kind == "day":
                return _("Tomorrow: %(title)s") % values()
            return _("In one hour: %(title)s") % values()

        def message() -> str:
            if kind == "day":
                return (
                    _("“%(title)s” is tomorrow, %(when)s (Japan time). Link: %(link)s") % values()
                )
            return _("“%(title)s” starts in one hour, %(when)s (Japan time). Link: %(link)s") % (
                values()
            )

        notifications.notify_meeting(
            recipients_of(meeting, answers=[Rsvp.Answer.ATTENDING, Rsvp.Answer.MAYBE]),
            None,
            subject,
            message,
            path=meeting.get_absolute_url(),
            board=meeting.board,
        )
    return True
