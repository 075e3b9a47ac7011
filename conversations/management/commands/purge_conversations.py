"""Delete conversations whose last message is older than ``CONVERSATION_RETENTION_DAYS``.

The default (0) keeps every conversation: work conversations may be official records subject
to disclosure requests, and deleting them is a decision for each organisation. Run it daily
from cron when a retention period is set.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from conversations.services import purge_expired


class Command(BaseCommand):
    help = "Delete conversations older than CONVERSATION_RETENTION_DAYS (0 keeps all)."

    def handle(self, *args, **options):
        days = settings.CONVERSATION_RETENTION_DAYS
        if days <= 0:
            self.stdout.write("CONVERSATION_RETENTION_DAYS is 0: every conversation is kept.")
            return
        deleted = purge_expired(days)
        self.stdout.write(f"Deleted {deleted} conversation(s) idle for more than {days} days.")
