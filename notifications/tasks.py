"""Background tasks of notifications (``django-tasks``; the worker is ``manage.py db_worker``).

Arguments are ids and plain values, never model instances: a task may run minutes later, or
again after a failure, and reads the database as it is then. Each task is safe to re-run.
"""

import logging

from django_tasks import task

from notifications import delivery, digests, emails

logger = logging.getLogger(__name__)


@task()
def fan_out_post(post_id: int) -> int:
    return delivery.fan_out_post(post_id)


@task()
def deliver_new_mentions(post_id: int, previous_body: str) -> int:
    return delivery.deliver_new_mentions(post_id, previous_body)


@task()
def deliver_answer_accepted(post_id: int, actor_id: int) -> int:
    return delivery.deliver_answer_accepted(post_id, actor_id)


@task()
def deliver_marked_helpful(post_id: int, actor_id: int) -> int:
    return delivery.deliver_marked_helpful(post_id, actor_id)


@task()
def deliver_notice(notice: dict) -> int:
    return delivery.deliver_notice(notice)


@task()
def deliver_verification(member_id: int, approved: bool, reason: str) -> int:
    return delivery.deliver_verification(member_id, approved, reason)


@task()
def deliver_private_message(payload: dict) -> int:
    return delivery.deliver_private_message(payload)


@task()
def send_private_message_email(notification_id: int, excerpt: str = "") -> bool:
    return emails.send_private_message_email(notification_id, excerpt)


@task()
def send_notification_email(notification_id: int, post_id: int | None = None) -> bool:
    return emails.send_notification_email(notification_id, post_id)


@task()
def send_notification_emails(notification_ids: list[int], post_id: int | None = None) -> int:
    """A batch of e-mails about one event, loaded together. One that fails is queued again on
    its own, so that a re-run never sends the others twice."""

    def failed(notification_id: int, error: Exception) -> None:
        logger.warning(
            "E-mail of notification %s failed; queued again", notification_id, exc_info=error
        )
        send_notification_email.enqueue(notification_id, post_id)

    return emails.send_notification_emails(notification_ids, post_id, failed=failed)


@task()
def send_digest(user_id: int) -> bool:
    return digests.send_digest(user_id)


@task()
def send_daily_digests() -> int:
    """Queue one digest per member with something waiting, then plan tomorrow's run."""
    queued = digests.queue_digests()
    digests.schedule_next_run()
    return queued
