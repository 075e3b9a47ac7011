"""Each worker process's copy of a table's rows and their HTML, brought up to date from the
table's events.

After a save every cached page part is stale (their keys hold the table's ``event_sequence``),
and reading and drawing 1,800 rows again cost more than the rest of the page together. Every
save is a ``ProgressEvent`` naming its row, and rows are never deleted, so a process that has
read a table once reads afterwards only the events after the sequence it holds and the rows
they name, and draws only those rows again. Events commit in sequence order (the table row is
locked while a sequence is handed out), so every event up to the ``event_sequence`` a request
read is there to be found.

The copy lives in the process, not in the shared cache: unpickling 1,800 rows and 1 MB of
HTML on each request would cost about what reading them does. A few large tables per process
are kept (``KEPT_TABLES``); too many missed events, or an entry older than ``FRESH_SECONDS``,
and the table is read whole again, which also picks up renamed organisations.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language

from progress.models import ProgressEvent
from progress.queries import rows_of
from progress.rendering import RowRenderer

# Tables kept per language: live events are drawn in each language of the site, so every busy
# table is kept once in each.
KEPT_TABLES = 8 * len(settings.LANGUAGES)
FRESH_SECONDS = 600
MAX_PATCHED_EVENTS = 200

_lock = threading.Lock()
_kept: OrderedDict = OrderedDict()


@dataclass
class Snapshot:
    sequence: int
    read_at: float
    rows: dict  # row id -> progress.queries.Row
    html: dict  # row id -> the row's HTML (progress.rendering)


def _key(table, columns) -> tuple:
    # A table id can be reused (tests, restores): its creation time tells them apart.
    return (table.pk, table.created_at, tuple(column.pk for column in columns), get_language())


def _read_whole(table, columns, sequence: int) -> Snapshot:
    draw = RowRenderer(table, columns)
    rows = {row.pk: row for row in rows_of(table)}
    html = {pk: draw(row) for pk, row in rows.items()}
    return Snapshot(sequence, time.monotonic(), rows, html)


def _patched(table, columns, snapshot: Snapshot, sequence: int) -> Snapshot | None:
    """``snapshot`` brought up to ``sequence``, or None when too much changed."""
    changed = list(
        ProgressEvent.objects.filter(
            table_id=table.pk, sequence__gt=snapshot.sequence, row_id__isnull=False
        ).values_list("row_id", flat=True)[: MAX_PATCHED_EVENTS + 1]
    )
    if len(changed) > MAX_PATCHED_EVENTS:
        return None
    rows, html = dict(snapshot.rows), dict(snapshot.html)
    if changed:
        draw = RowRenderer(table, columns)
        for row in rows_of(table, pk__in=set(changed)):
            rows[row.pk] = row
            html[row.pk] = draw(row)
    return Snapshot(max(sequence, snapshot.sequence), snapshot.read_at, rows, html)


def table_rows(table, columns) -> Snapshot:
    """Every row of the table as of (at least) ``table.event_sequence``, with its HTML.
    The snapshot returned is shared: read it, never change it."""
    key = _key(table, columns)
    sequence = table.event_sequence
    with _lock:
        kept = _kept.get(key)
    if kept is not None and time.monotonic() - kept.read_at > FRESH_SECONDS:
        kept = None
    if kept is not None and kept.sequence >= sequence:
        current = kept
    else:
        current = _patched(table, columns, kept, sequence) if kept is not None else None
        if current is None:
            current = _read_whole(table, columns, sequence)
    with _lock:
        held = _kept.get(key)
        if held is None or held.sequence <= current.sequence:
            _kept[key] = current
        _kept.move_to_end(key)
        while len(_kept) > KEPT_TABLES:
            _kept.popitem(last=False)
    return current


def forget_all() -> None:
    """Drop every kept table (tests)."""
    with _lock:
        _kept.clear()
