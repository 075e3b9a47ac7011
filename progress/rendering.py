"""The HTML of one table row, built once in Python for the page, the live event and the
catch-up alike (so the page after a live update equals the page after a reload). A table of
1,800 organisations has about 14,000 cells: string building keeps the page fast where a
template per cell would not."""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from progress import values
from progress.queries import order_key


def _cell(column, value) -> str:
    classes = "cell cell--num" if column.is_numeric else "cell"
    if value is None or value == "":
        classes += " cell--empty"
    return (
        f'<td class="{classes}" data-label="{escape(column.question)}">'
        f"{escape(values.display(column, value))}</td>"
    )


def _history_pattern(table) -> str:
    """The history URL of the table's rows with ``{row}`` for the row id: reversed once."""
    return reverse("progress:row_history", args=[table.pk, 0]).replace("/0/", "/{row}/")


def row_html(table, columns, row, *, history_pattern: str = "", history_label: str = "") -> str:
    municipality = row.municipality
    updated = timezone.localtime(row.updated_at)
    history_label = history_label or _("history")
    history_url = (history_pattern or _history_pattern(table)).replace("{row}", str(row.pk))
    cells = "".join(_cell(column, row.values.get(column.key)) for column in columns)
    return mark_safe(  # noqa: S308 - every value is escaped above
        f'<tr id="row-{row.pk}" class="progress-row" data-row="{row.pk}" '
        f'data-version="{row.version}" data-prefecture="{municipality.code[:2]}" '
        f'data-kind="{municipality.kind}" data-order-code="{order_key(row, "code")}" '
        f'data-order-kind="{order_key(row, "kind")}" '
        f'data-order-updated="{order_key(row, "updated")}">'
        f'<th scope="row" class="org"><span class="org__name">{escape(municipality.name)}</span>'
        f' <span class="org__pref">{escape(municipality.prefecture)}</span></th>'
        f"{cells}"
        f'<td class="cell cell--updated" data-label="{escape(_("Updated"))}">'
        f'<time datetime="{updated.isoformat()}">{updated:%m/%d %H:%M}</time> '
        f'<a href="{history_url}">{escape(history_label)}</a></td></tr>'
    )


def rows_html(table, columns, rows) -> str:
    pattern, label = _history_pattern(table), _("history")
    return mark_safe(  # noqa: S308 - built by row_html
        "".join(
            row_html(table, columns, row, history_pattern=pattern, history_label=label)
            for row in rows
        )
    )
