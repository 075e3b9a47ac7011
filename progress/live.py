"""The only place that builds and sends live events of progress tables.

Like topics (``forums.live``): each event is a ``ProgressEvent`` with the table's next
``sequence``, recorded in the writing transaction and sent from ``transaction.on_commit``, so a
rolled-back save never broadcasts; ``core.broadcast`` hands the send to the server's loop, so
the saver does not wait for the watchers' delivery. Channel layers deliver at most once; a page
that notices a gap in the sequence (or reconnects) asks for ``events_since`` over HTTP or on
connecting.

Sockets (``progress.consumers``), server-sent-event streams (``progress.streams``) and the
catch-up URL carry the same events. Event shapes (JSON):
- ``row.saved``: ``{"type", "table_id", "sequence", "row_id", "organisation", "version",
  "prefecture", "kind", "html"}``; ``html`` is the row as ``progress.rendering.row_html`` draws
  it for everybody. At most one row event every ``SUMMARY_SECONDS`` also carries ``"answered",
  "answered_text", "summary_html", "charts_html"`` (rendered once per language, with the table
  as it is after the save); the others are followed by one trailing
- ``summary.changed``: ``{"type", "table_id", "sequence": null, "answered", "answered_text",
  "summary_html", "charts_html"}``, sent by the task worker at the end of the window (a state,
  not recorded: a page that reconnects gets the summary with its catch-up).
- ``table.closed`` / ``table.reopened``: ``{"type", "table_id", "sequence"}`` (pages reload).
"""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from core import broadcast
from core.languages import in_each_language
from core.params import parse_int
from progress import snapshot
from progress.models import ProgressEvent, ProgressRow, ProgressTable
from progress.presentation import charts_context, summary_context
from progress.queries import columns_of, plain_row, rows_of
from progress.rendering import row_html

logger = logging.getLogger(__name__)

CATCH_UP_LIMIT = 500
SUMMARY_SECONDS = 3


def table_group(table_id: int) -> str:
    return f"progress.{table_id}"


def _record(table_id: int, kind: str, row_id: int | None) -> ProgressEvent:
    """Hand out the table's next sequence number. The UPDATE locks the table row until the
    transaction ends, so events commit in sequence order."""
    ProgressTable.objects.filter(pk=table_id).update(event_sequence=F("event_sequence") + 1)
    sequence = ProgressTable.objects.values_list("event_sequence", flat=True).get(pk=table_id)
    return ProgressEvent.objects.create(
        table_id=table_id, sequence=sequence, kind=kind, row_id=row_id
    )


def _summary_now(table_id: int) -> bool:
    """Whether this event carries the summary row and the charts (about 20 KB for a table of
    eight columns: at 170 saves a minute to 500 watchers, sending it every time would be 1.7 GB
    a minute through the channel layer). One event per ``SUMMARY_SECONDS`` carries it; for the
    others one trailing ``summary.changed`` is queued for the end of the window, so the last
    state always arrives. Without deferred tasks or without the cache, every event carries it."""
    if not send_table_summary.get_backend().supports_defer:
        return True
    try:
        if cache.add(f"progress:summary-sent:{table_id}", 1, SUMMARY_SECONDS):
            return True
        if cache.add(f"progress:summary-queued:{table_id}", 1, SUMMARY_SECONDS):
            send_table_summary.using(
                run_after=timezone.now() + timedelta(seconds=SUMMARY_SECONDS)
            ).enqueue(table_id)
        return False
    except Exception:
        logger.warning("Progress summary throttle unavailable", exc_info=True)
        return True


@task()
def send_table_summary(table_id: int) -> None:
    """The trailing ``summary.changed`` of a table, from the database as it is now."""
    table = ProgressTable.objects.filter(pk=table_id).first()
    if table is None:
        return
    columns = columns_of(table)
    rows = list(snapshot.table_rows(table, columns).rows.values())
    payload = {"type": "summary.changed", "table_id": table_id, "sequence": None}
    payload["answered"] = len(rows)
    payloads = in_each_language(lambda: {**payload, **summary_parts(table, columns, rows)})
    broadcast.send(table_group(table_id), {"type": "progress.event", "events": payloads})


def _send_after_commit(event: ProgressEvent, saved=None) -> None:
    """Send ``event`` once the transaction commits. ``saved`` (a row save's table, columns and
    row as written) lets an event without the summary be drawn without reading anything back:
    the watchers' wait starts with the save's request."""

    def send() -> None:
        try:
            with_summary = event.row_id is None or _summary_now(event.table_id)
            if saved is not None and not with_summary:
                payloads = in_each_language(lambda: _row_payload(event, *saved))
            else:
                payloads = in_each_language(
                    lambda: render_events([event], with_summary=with_summary)[0]
                )
            message = {"type": "progress.event", "events": payloads}
            broadcast.send(table_group(event.table_id), message)
        except Exception:
            logger.warning("Live event %s was not sent", event, exc_info=True)

    transaction.on_commit(send)


def row_saved(table: ProgressTable, row: ProgressRow, columns=None) -> None:
    event = _record(table.pk, "row.saved", row.pk)
    saved = (table, columns, plain_row(row)) if columns is not None else None
    _send_after_commit(event, saved)


def table_changed(table: ProgressTable, kind: str) -> None:
    _send_after_commit(_record(table.pk, kind, None))


def summary_parts(table, columns, rows) -> dict:
    """The summary row, the charts and the count of answers as the page shows them (one
    template each)."""
    return {
        "answered_text": render_to_string(
            "progress/_answered.html", {"answered": len(rows)}
        ).strip(),
        "summary_html": render_to_string(
            "progress/_summary.html", summary_context(table, columns, rows)
        ),
        "charts_html": render_to_string(
            "progress/_charts.html", charts_context(table, columns, rows)
        ),
    }


def _row_payload(event, table, columns, row, html=None) -> dict:
    return {
        "type": event.kind,
        "table_id": table.pk,
        "sequence": event.sequence,
        "row_id": row.pk,
        "organisation": row.municipality_id,
        "version": row.version,
        "prefecture": row.municipality.prefecture_code,
        "kind": row.municipality.kind,
        "html": html or row_html(table, columns, row),
    }


def render_events(events: list[ProgressEvent], *, with_summary: bool = True) -> list[dict]:
    """The JSON of these events of one table, from the database as it is now: each row as it
    is now; the summary and charts (the same for all) on the last row event only."""
    if not events:
        return []
    table = ProgressTable.objects.get(pk=events[0].table_id)
    columns = columns_of(table)
    if with_summary:  # every row, as this process keeps them (progress.snapshot)
        current = snapshot.table_rows(table, columns)
        by_id, drawn = current.rows, current.html
        rows = list(by_id.values())
    else:  # only the rows the events name: a save to a large table reads one row
        rows = rows_of(table, pk__in={event.row_id for event in events if event.row_id})
        by_id, drawn = {row.pk: row for row in rows}, {}
    payloads = []
    last_row_event = max(
        (index for index, event in enumerate(events) if event.row_id), default=None
    )
    for index, event in enumerate(events):
        payload = {"type": event.kind, "table_id": table.pk, "sequence": event.sequence}
        row = by_id.get(event.row_id)
        if row is not None:
            payload = _row_payload(event, table, columns, row, drawn.get(row.pk))
            if with_summary and index == last_row_event:
                payload.update(answered=len(rows), **summary_parts(table, columns, rows))
        payloads.append(payload)
    return payloads


def catch_up(table_id: int, since: str) -> list[dict] | None:
    """What a (re)connecting socket or stream missed after ``since`` (a sequence number; no
    valid number: nothing to replay). None: too much, the page should reload."""
    sequence = parse_int(since)
    return [] if sequence is None else events_since(table_id, sequence)


def events_since(table_id: int, sequence: int) -> list[dict] | None:
    """Every event after ``sequence``, or None when too much was missed to replay."""
    rows = list(
        ProgressEvent.objects.filter(table_id=table_id, sequence__gt=sequence).order_by("sequence")[
            : CATCH_UP_LIMIT + 1
        ]
    )
    if len(rows) > CATCH_UP_LIMIT:
        return None
    return render_events(rows)
