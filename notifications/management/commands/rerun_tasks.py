"""Put failed (or interrupted) background tasks back in the queue for the worker."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from notifications import task_queue


class Command(BaseCommand):
    help = "Re-run failed tasks (--failed or ids), or tasks left running (--interrupted)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", help="Failed tasks to run again, by id")
        parser.add_argument("--failed", action="store_true", help="Every failed task.")
        parser.add_argument(
            "--interrupted",
            type=int,
            metavar="MINUTES",
            help="Also requeue tasks RUNNING for longer than MINUTES (their worker died).",
        )

    def handle(self, *args, ids, failed, interrupted, **options):
        if ids or failed:
            count = task_queue.rerun(ids or None)
            self.stdout.write(f"{count} failed task(s) queued again.")
        if interrupted is not None:
            count = task_queue.requeue_interrupted(timedelta(minutes=interrupted))
            self.stdout.write(f"{count} interrupted task(s) queued again.")
