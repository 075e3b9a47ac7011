"""The only place that builds and sends live events of progress tables.

Like topics (``forums.live``): each event is a ``ProgressEvent`` with the table's next
``sequence``, recorded in the writing transaction and sent from ``transaction.on_commit``, so a
rolled-back save never broadcasts. Channel layers deliver at most once; a page that notices a
gap in the sequence (or reconnects) asks for ``events_since`` over HTTP or on connecting.

Event shapes (JSON, as sent to sockets and by the catch-up endpoint):
- ``row.saved``: ``{"type", "table_id", "sequence", "row_id", "organisation", "version",
  "prefecture", "kind", "html", "summary_html", "charts_html", "answered"}``; ``html`` is the row as
  ``progress.rendering.row_html`` draws it for everybody; the summary row and the charts are
  rendered once per event with the table as it is after the save.
- ``table.closed`` / ``table.reopened``: ``{"type", "table_id", "sequence"}`` (pages reload).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string

from progress.models import ProgressEvent, ProgressRow, ProgressTable
from progress.presentation import charts_context, summary_context
from progress.queries import columns_of, rows_of
from progress.rendering import row_html

logger = logging.getLogger(__name__)

CATCH_UP_LIMIT = 500


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


def _send_after_commit(event: ProgressEvent) -> None:
    def send() -> None:
        try:
            payload = render_events([event])[0]
            async_to_sync(get_channel_layer().group_send)(
                table_group(event.table_id), {"type": "progress.event", "event": payload}
            )
        except Exception:
            logger.warning("Live event %s was not sent", event, exc_info=True)

    transaction.on_commit(send)


def row_saved(table: ProgressTable, row: ProgressRow) -> None:
    _send_after_commit(_record(table.pk, "row.saved", row.pk))


def table_changed(table: ProgressTable, kind: str) -> None:
    _send_after_commit(_record(table.pk, kind, None))


def summary_parts(table, columns, rows) -> dict:
    """The summary row and the charts as the page shows them (one template each)."""
    return {
        "summary_html": render_to_string(
            "progress/_summary.html", summary_context(table, columns, rows)
        ),
        "charts_html": render_to_string(
            "progress/_charts.html", charts_context(table, columns, rows)
        ),
    }


def render_events(events: list[ProgressEvent]) -> list[dict]:
    """The JSON of these events of one table, from the database as it is now: each row as it
    is now; the summary and charts (the same for all) on the last row event only."""
    if not events:
        return []
    table = ProgressTable.objects.get(pk=events[0].table_id)
    columns = columns_of(table)
    rows = rows_of(table)
    by_id = {row.pk: row for row in rows}
    payloads = []
    last_row_event = max(
        (index for index, event in enumerate(events) if event.row_id), default=None
    )
    for index, event in enumerate(events):
        payload = {"type": event.kind, "table_id": table.pk, "sequence": event.sequence}
        row = by_id.get(event.row_id)
        if row is not None:
            payload.update(
                row_id=row.pk,
                organisation=row.municipality_id,
                version=row.version,
                prefecture=row.municipality.code[:2],
                kind=row.municipality.kind,
                html=row_html(table, columns, row),
                answered=len(rows),
            )
            if index == last_row_event:
                payload.update(summary_parts(table, columns, rows))
        payloads.append(payload)
    return payloads


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
