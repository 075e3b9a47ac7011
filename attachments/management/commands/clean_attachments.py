"""Delete abandoned pending uploads now, or (--schedule) plan the hourly clean-up task."""

from django.core.management.base import BaseCommand

from attachments import services, tasks


class Command(BaseCommand):
    help = "Delete pending uploads older than ATTACHMENTS_PENDING_HOURS, or plan the task."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Plan the hourly clean-up in the task worker (unless one is waiting).",
        )

    def handle(self, *args, schedule: bool = False, **options):
        if schedule:
            planned = tasks.schedule_cleaning()
            self.stdout.write("Clean-up planned." if planned else "Clean-up already planned.")
            return
        removed = services.remove_orphans()
        queued = services.requeue_unprocessed()
        self.stdout.write(f"Removed {removed} abandoned uploads; queued {queued} again.")
