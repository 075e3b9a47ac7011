"""Recreate the search index from the posts, e.g. after a restore or a tokeniser change."""

import os
import time

from django.core.management.base import BaseCommand

from search.indexing import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index of every post that is neither deleted nor hidden."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes that analyse the text (each loads the ~180 MB dictionary)",
        )

    def handle(self, *args, batch_size: int, workers: int, verbosity: int, **options):
        started = time.monotonic()

        def progress(count: int) -> None:
            if verbosity > 1 and count % (batch_size * 20) == 0:
                self.stdout.write(f"  {count:,} posts tokenised")

        count = rebuild(batch_size=batch_size, progress=progress, workers=max(1, workers))
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} posts in {seconds:.1f} s."))
