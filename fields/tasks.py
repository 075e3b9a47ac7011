"""Background tasks of fields: routing unanswered questions, planned hourly in the worker."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from fields import routing


@task()
def route_unanswered_questions() -> int:
    made = routing.route_unanswered_questions()
    schedule_next_run()
    return made


def schedule_next_run() -> bool:
    """Plan the next hourly run unless one is waiting (the database backend only; with another
    backend run ``manage.py route_questions`` from cron)."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(route_unanswered_questions.get_backend(), DatabaseBackend):
        return False
    with transaction.atomic():
        waiting = DBTaskResult.objects.filter(
            task_path=route_unanswered_questions.module_path, status="READY"
        ).exists()
        if waiting:
            return False
        route_unanswered_questions.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    return True
