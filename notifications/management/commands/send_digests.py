"""Send the daily digest e-mails: now (for cron), through the worker, or planned daily."""

from django.core.management.base import BaseCommand

from notifications import digests


class Command(BaseCommand):
    help = "Send the daily digests now, or queue them, or plan the daily run in the worker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", action="store_true", help="Queue one task per member for the worker."
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Plan the daily run in the worker (NOTIFICATIONS_DIGEST_HOUR) if none waits.",
        )

    def handle(self, *args, queue, schedule, **options):
        if schedule:
            planned = digests.schedule_next_run()
            self.stdout.write(
                "Daily digest planned." if planned else "Daily digest already planned."
            )
            return
        if queue:
            self.stdout.write(f"{digests.queue_digests()} digest(s) queued.")
            return
        sent = sum(digests.send_digest(user_id) for user_id in digests.members_with_digest())
        self.stdout.write(f"{sent} digest(s) sent.")
