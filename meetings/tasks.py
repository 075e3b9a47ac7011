"""Background tasks of meetings (``django-tasks``): the reminders, and queueing them."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from meetings import reminders

logger = logging.getLogger(__name__)


@task()
def send_meeting_reminder(meeting_id: int, kind: str, sequence: int) -> str:
    outcome = reminders.send_reminder(meeting_id, kind, sequence)
    if outcome in (reminders.SENT, reminders.SKIPPED):
        return outcome
    send_meeting_reminder.using(run_after=outcome).enqueue(meeting_id, kind, sequence)
    return "requeued"


def schedule_reminders(meeting) -> None:
    """Queue both reminders of a meeting after the commit, each for its moment (a moment
    already past runs at once and is dropped by the task if it is too late)."""
    if not send_meeting_reminder.get_backend().supports_defer:
        return  # without deferred tasks, cron runs manage.py send_meeting_reminders

    def enqueue() -> None:
        for kind, offset in reminders.OFFSETS.items():
            moment = max(meeting.starts_at - offset, timezone.now())
            try:
                send_meeting_reminder.using(run_after=moment).enqueue(
                    meeting.pk, kind, meeting.sequence
                )
            except Exception:
                logger.warning("Reminder of meeting %s was not queued", meeting.pk, exc_info=True)

    transaction.on_commit(enqueue)
