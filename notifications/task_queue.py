"""The state of the background task queue (``django_tasks_db``): depth for /healthz, and
putting failed or interrupted tasks back in the queue.

A failed task keeps its row with the exception and traceback (``DBTaskResult``), visible in the
admin; ``rerun`` sets it READY again for the worker and the error stays until a run succeeds. A
task whose worker was killed mid-run stays RUNNING; ``requeue_interrupted`` puts those older
than a few minutes back. Queued tasks are rows in the database, so a restart loses none.
"""

from datetime import timedelta

from django.utils import timezone

READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"


def _results():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


def queue_stats() -> dict:
    """How many tasks wait to run now, how long the oldest has waited, how many failed."""
    from django.db.models import Min

    waiting = _results().ready()
    summary = waiting.aggregate(oldest=Min("enqueued_at"))
    oldest = summary["oldest"]
    return {
        "queue_depth": waiting.count(),
        "oldest_waiting_seconds": round((timezone.now() - oldest).total_seconds(), 1)
        if oldest
        else 0,
        "failed": _results().filter(status=FAILED).count(),
    }


def rerun(task_ids=None) -> int:
    """Put failed tasks (all, or these ids) back in the queue. The error stays recorded until
    the task succeeds."""
    failed = _results().filter(status=FAILED)
    if task_ids is not None:
        failed = failed.filter(pk__in=list(task_ids))
    return failed.update(status=READY, finished_at=None)


def requeue_interrupted(older_than: timedelta = timedelta(minutes=10)) -> int:
    """Tasks left RUNNING by a worker that died (killed, power cut) go back in the queue."""
    cutoff = timezone.now() - older_than
    return _results().filter(status=RUNNING, started_at__lt=cutoff).update(status=READY)
