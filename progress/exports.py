"""A table as a file someone brings to their own meeting: CSV that Japanese Excel opens as
UTF-8 (with a byte-order mark) and an Excel workbook (openpyxl) with real numbers and dates."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from progress import values
from progress.models import ProgressColumn

Kind = ProgressColumn.Kind
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def header(columns) -> list[str]:
    names = [_("Prefecture"), _("Local government code"), _("Organisation"), _("Kind")]
    for column in columns:
        unit = column.display_unit
        names.append(f"{column.question}（{unit}）" if unit else column.question)
    # A column's question is members' text like any cell: =HYPERLINK(…) must stay text.
    return [_guard(name) for name in [*names, _("Updated"), _("Updated by")]]


def _cell(column, value):
    """The value as a spreadsheet cell: numbers as numbers, dates as dates."""
    if value is None or value == "":
        return None
    if column.is_numeric:
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if column.kind == Kind.DATE:
        return date.fromisoformat(value)
    if column.kind == Kind.YES_NO:
        return values.display(column, value)
    return str(value)


def records(columns, rows):
    for row in rows:
        municipality = row.municipality
        yield [
            municipality.prefecture,
            municipality.code or "",
            municipality.name,
            municipality.get_kind_display(),
            *(_cell(column, row.values.get(column.key)) for column in columns),
            timezone.localtime(row.updated_at).replace(tzinfo=None, microsecond=0),
            row.updated_by_name,
        ]


def _guard(text):
    """A cell starting with = + - @ would be a formula in Excel: quote it."""
    if isinstance(text, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _csv_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return _guard(value)


def to_csv(columns, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(columns))
    for record in records(columns, rows):
        writer.writerow([_csv_text(value) for value in record])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table, columns, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (SHEET_FORBIDDEN.sub(" ", table.title).strip() or "Sheet1")[:31]
    sheet.append(header(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in records(columns, rows):
        sheet.append([_guard(value) for value in record])
    for index, column in enumerate(columns, start=5):
        if column.kind == Kind.DATE:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy/mm/dd"
    updated_column = 5 + len(columns)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=updated_column, max_col=updated_column):
        cell.number_format = "yyyy/mm/dd hh:mm"
    sheet.freeze_panes = "E2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
