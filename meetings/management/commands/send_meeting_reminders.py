"""Send the meeting reminders that are due: for task backends that cannot defer a task."""

from django.core.management.base import BaseCommand

from meetings.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send due meeting reminders (from cron, when tasks cannot be deferred)."

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"{sent} reminder(s) sent")
