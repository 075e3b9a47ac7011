"""What the summary row and the charts of a table show: the context of
``progress/_summary.html`` and ``progress/_charts.html``, for the page and live events alike."""

import logging

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from progress import charts, queries, snapshot, stats

logger = logging.getLogger(__name__)


def summary_context(table, columns, rows) -> dict:
    return {
        "table": table,
        "summaries": stats.summarise(columns, rows),
        "answered": len(rows),
    }


def charts_context(table, columns, rows) -> dict:
    drawn = []
    for column in columns:
        bins = stats.distribution(column, rows)
        if not bins:
            continue
        title = _("Distribution: %(question)s") % {"question": column.question}
        drawn.append(
            {
                "column": column,
                "title": title,
                "svg": charts.bar_chart(f"chart-{column.pk}", title, bins),
                "bins": bins,
            }
        )
    return {"table": table, "charts": drawn}


def history_points(table, columns, rows) -> dict:
    """Per number column, the median at the end of each day with a change. The days before
    today cannot change any more: they are replayed from the revisions once a day and cached;
    today's point is the median of the rows as they are now (when a row changed today)."""
    numeric = [column for column in columns if column.is_numeric]
    if not numeric:
        return {}
    today = timezone.localdate()

    def replay() -> dict:
        revisions = stats.revision_days(queries.revisions_for_history(table, before=today))
        return {column.pk: stats.history(column, revisions) for column in numeric}

    stamp = int(table.created_at.timestamp() * 1_000_000)
    key = f"progress:{table.pk}:{stamp}:history:{today.isoformat()}:{get_language() or ''}"
    past = _cached(key, replay)
    changed_today = any(timezone.localtime(row.updated_at).date() == today for row in rows)
    points = {}
    for column in numeric:
        points[column.pk] = list(past.get(column.pk, []))
        if changed_today:
            point = stats.median_point(column, rows, today)
            if point is not None:
                points[column.pk].append(point)
    return points


def history_context(table, columns, rows) -> list[dict]:
    """Median over time of each number or percentage column, when it changed on two days or
    more."""
    drawn = []
    points_by_column = history_points(table, columns, rows)
    for column in columns:
        points = points_by_column.get(column.pk, [])
        if len(points) < 2:
            continue
        title = _("Median over time: %(question)s") % {"question": column.question}
        drawn.append(
            {
                "column": column,
                "title": title,
                "svg": charts.line_chart(f"history-{column.pk}", title, points),
                "points": points,
            }
        )
    return drawn


# --- The table page's shared parts, cached per state of the table -----------------------------

PAGE_CACHE_SECONDS = 600


def _cache_key(table, *parts) -> str:
    """Every save or close moves ``event_sequence``, so a key never outlives the table state it
    was computed from; ``created_at`` tells apart tables that reuse an id (tests, restores)."""
    stamp = int(table.created_at.timestamp() * 1_000_000)
    bits = ["progress", str(table.pk), str(stamp), str(table.event_sequence)]
    return ":".join([*bits, get_language() or "", *map(str, parts)])


def _cached(key: str, compute):
    """The cache is a helper: when it is down the page is computed, never refused."""
    try:
        hit = cache.get(key)
    except Exception:
        logger.warning("Progress table cache unavailable", exc_info=True)
        hit = None
    if hit is not None:
        return hit
    value = compute()
    try:
        cache.set(key, value, PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("Progress table cache unavailable", exc_info=True)
    return value


def table_page_parts(table, columns, options: dict) -> dict:
    """What every member sees alike on the table page for these sort and filter ``options``:
    the rows' HTML, the filter choices, the summary row, the charts and the history charts.
    Computed from the database once per table state and language, then shared."""

    def compute() -> dict:
        current = snapshot.table_rows(table, columns)
        view = queries.table_rows(table, columns, **options, all_rows=list(current.rows.values()))
        history = history_context(table, columns, view.all_rows)
        drawn = "".join(current.html[row.pk] for row in view.rows)
        return {
            "rows_html": mark_safe(drawn),  # noqa: S308 - each row is escaped by progress.rendering
            "shown": len(view.rows),
            "answered": len(view.all_rows),
            "prefectures": view.prefectures,
            "kinds": view.kinds,
            "summary_html": render_to_string(
                "progress/_summary.html", summary_context(table, columns, view.all_rows)
            ),
            "charts_html": render_to_string(
                "progress/_charts.html", charts_context(table, columns, view.all_rows)
            ),
            "history_html": render_to_string("progress/_history.html", {"history": history}),
        }

    described = "-".join(f"{name}={value}" for name, value in sorted(options.items()))
    return _cached(_cache_key(table, "page", described), compute)
