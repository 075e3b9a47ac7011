"""Demo data of fields of work on top of ``seed_demo``'s staff and boards."""

from django.core.management.base import BaseCommand
from django.db import transaction

from fields.demo import seed_fields


class Command(BaseCommand):
    help = "Fields of work demo: guide, calendar, assignment histories, handover notes."

    @transaction.atomic
    def handle(self, *args, **options):
        if seed_fields():
            self.stdout.write("Fields of work: demo guide, calendar and people are ready.")
            self.stdout.write("  takahashi@mhlw.go.jp / demo-pass-2026 (ministry, seconded)")
        else:
            self.stdout.write("Run seed_demo first: the demo staff are missing.")
