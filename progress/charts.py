"""Charts drawn on the server as SVG: no chart service, no script, no inline style (colours
come from classes in static/css/progress.css). Each chart has a title and a description for
screen readers, and the page shows the same figures as a table beside it."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH = 320
LABEL_WIDTH = 110
BAR_HEIGHT = 20
GAP = 6


def bar_chart(chart_id: str, title: str, bins) -> str:
    """Horizontal bars, one per bin, with its label and count."""
    if not bins:
        return ""
    top = max(bin.count for bin in bins) or 1
    height = len(bins) * (BAR_HEIGHT + GAP) + GAP
    usable = WIDTH - LABEL_WIDTH - 40
    parts = []
    for index, bin in enumerate(bins):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(usable * bin.count / top, 1)
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end">'
            f"{escape(bin.label)}</text>"
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{width}" '
            f'height="{BAR_HEIGHT}"></rect>'
            f'<text class="chart-count" x="{LABEL_WIDTH + width + 4}" y="{y + 14}">'
            f"{bin.count}</text>"
        )
    summary = _("%(title)s: ") % {"title": title} + "; ".join(
        f"{bin.label} {bin.count}" for bin in bins
    )
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-bins="{len(bins)}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>{"".join(parts)}</svg>'
    )


def line_chart(chart_id: str, title: str, points) -> str:
    """The median over time: one point per day with a change."""
    if len(points) < 2:
        return ""
    low = min(point.median for point in points)
    high = max(point.median for point in points)
    low_label, high_label = _short(points, low), _short(points, high)
    # The value labels sit left of the plot, right-aligned: the margin fits the longer one.
    # Never more than 40% of the width: a long unit must not squeeze the plot to nothing.
    widest = max(_text_width(low_label), _text_width(high_label))
    left = min(round(WIDTH * 0.4), max(44, 8 + widest))
    height, bottom, right, top_margin = 160, 24, 10, 10
    span = (high - low) or 1
    first, last = points[0].day.toordinal(), points[-1].day.toordinal()
    days = (last - first) or 1

    def xy(point):
        x = left + (WIDTH - left - right) * (point.day.toordinal() - first) / days
        y = top_margin + (height - top_margin - bottom) * (1 - (point.median - low) / span)
        return round(x, 1), round(y, 1)

    coordinates = [xy(point) for point in points]
    polyline = " ".join(f"{x},{y}" for x, y in coordinates)
    dots = "".join(
        f'<circle class="chart-point" cx="{x}" cy="{y}" r="3"></circle>' for x, y in coordinates
    )
    axis = (
        f'<line class="chart-axis" x1="{left}" y1="{height - bottom}" x2="{WIDTH - right}" '
        f'y2="{height - bottom}"></line>'
        f'<text class="chart-label" x="{left}" y="{height - 6}">{points[0].day:%m/%d}</text>'
        f'<text class="chart-label" x="{WIDTH - right}" y="{height - 6}" text-anchor="end">'
        f"{points[-1].day:%m/%d}</text>"
        f'<text class="chart-label" x="{left - 4}" y="{top_margin + 10}" text-anchor="end">'
        f"{escape(high_label)}</text>"
        f'<text class="chart-label" x="{left - 4}" y="{height - bottom}" text-anchor="end">'
        f"{escape(low_label)}</text>"
    )
    summary = "; ".join(f"{point.day:%Y-%m-%d} {point.label}" for point in points)
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg class="chart chart--line" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>{axis}'
        f'<polyline class="chart-line" points="{polyline}"></polyline>{dots}</svg>'
    )


def _text_width(text: str, font_px: int = 12) -> int:
    """A generous estimate of a label's width in the chart's units: a full-width character is
    about one font size wide, a digit or Latin letter about two thirds of it."""
    return round(sum(font_px if ord(char) > 0x2E7F else font_px * 0.67 for char in text))


def _short(points, value: float) -> str:
    for point in points:
        if point.median == value:
            return point.label
    return f"{value:g}"
