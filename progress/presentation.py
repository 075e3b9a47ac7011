"""What the summary row and the charts of a table show: the context of
``progress/_summary.html`` and ``progress/_charts.html``, for the page and live events alike."""

from django.utils.translation import gettext as _

from progress import charts, stats


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


def history_context(table, columns, revisions) -> list[dict]:
    """Median over time of each number or percentage column, when it changed on two days or
    more."""
    drawn = []
    for column in columns:
        if not column.is_numeric:
            continue
        points = stats.history(column, revisions)
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
