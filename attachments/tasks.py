"""Background tasks of attachments (``django-tasks``). Arguments are ids; each task is safe to
run again."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from attachments import services

CLEAN_EVERY = timedelta(hours=1)


@task()
def process_attachment(attachment_id: int) -> str:
    return services.process(attachment_id)


@task()
def clean_pending_uploads() -> int:
    """Delete abandoned pending uploads, queue again files whose processing never ran, and
    plan the next run."""
    removed = services.remove_orphans()
    services.requeue_unprocessed()
    schedule_cleaning()
    return removed


def schedule_cleaning() -> bool:
    """Plan the next clean-up unless one is waiting (the database backend holds it)."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(clean_pending_uploads.get_backend(), DatabaseBackend):
        return False
    with transaction.atomic():
        if DBTaskResult.objects.filter(
            task_path=clean_pending_uploads.module_path, status="READY"
        ).exists():
            return False
        clean_pending_uploads.using(run_after=timezone.now() + CLEAN_EVERY).enqueue()
    return True
