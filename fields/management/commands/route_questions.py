"""Offer unanswered questions to members who know their field: now, or planned hourly."""

from django.core.management.base import BaseCommand

from fields import routing, tasks


class Command(BaseCommand):
    help = "Offer questions without a reply to members who know the field (or plan it hourly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true", help="Plan the hourly run in the task worker."
        )

    def handle(self, *args, schedule, **options):
        if schedule:
            planned = tasks.schedule_next_run()
            self.stdout.write("Question routing planned." if planned else "Already planned.")
            return
        self.stdout.write(f"{routing.route_unanswered_questions()} question offer(s) made.")
