"""A cell's value per column type: reading what was typed, storing it as JSON, showing it,
sorting by it, and turning it into a number for statistics."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from progress import lenient
from progress.models import ProgressColumn

Kind = ProgressColumn.Kind


def parse(column: ProgressColumn, text: str):
    """The JSON value of what was typed (None when empty); ``ValueError`` with a message."""
    if text is None or not lenient.normalize(text):
        return None
    if column.kind == Kind.NUMBER:
        return str(lenient.parse_number(text, column.unit))
    if column.kind == Kind.PERCENTAGE:
        return str(lenient.parse_percentage(text))
    if column.kind == Kind.DATE:
        return lenient.parse_date(text).isoformat()
    if column.kind == Kind.YES_NO:
        return lenient.parse_yes_no(text)
    if column.kind == Kind.CHOICE:
        return lenient.parse_choice(text, column.choices)
    return lenient.parse_text(text)


def display(column: ProgressColumn, value) -> str:
    """How a stored value is shown in the table (plain text; callers escape it)."""
    if value is None or value == "":
        return ""
    if column.kind == Kind.YES_NO:
        return _("Yes") if value else _("No")
    if column.kind == Kind.PERCENTAGE:
        return f"{value}%"
    if column.kind == Kind.NUMBER:
        number = Decimal(value)
        shown = f"{number:,}" if number == number.to_integral_value() else f"{number:,f}"
        return f"{shown}{column.unit}" if column.unit else shown
    return str(value)


def form_text(column: ProgressColumn, value) -> str:
    """What the edit form shows for a stored value."""
    if value is None:
        return ""
    if column.kind == Kind.YES_NO:
        return "yes" if value else "no"
    return str(value)


def number(column: ProgressColumn, value) -> float | None:
    """A numeric view of the value for statistics and sorting (dates as ordinal days)."""
    return number_reader(column)(value)


def _no_number(value) -> None:
    return None


def _plain_number(value) -> float | None:
    return None if value is None or value == "" else float(value)


def _day_number(value) -> float | None:
    return None if value is None or value == "" else float(date.fromisoformat(value).toordinal())


def number_reader(column: ProgressColumn):
    """``number`` for one column, decided once: statistics read thousands of cells."""
    if column.is_numeric:
        return _plain_number
    if column.kind == Kind.DATE:
        return _day_number
    return _no_number


def sort_key(column: ProgressColumn, value):
    """Empty cells last, whatever the direction."""
    if value is None or value == "":
        return (1, 0, "")
    as_number = number(column, value)
    if as_number is not None:
        return (0, as_number, "")
    return (0, 0, str(value))


def formatter(column: ProgressColumn):
    """A fast ``value -> HTML-safe text`` for one column, for tables of thousands of cells:
    the same text as ``display``, escaped once here for the kinds that need it."""
    from html import escape

    unit = escape(column.unit)
    if column.kind == Kind.NUMBER:

        def number_text(value):
            if value is None or value == "":
                return ""
            if "." in value or "E" in value:
                return escape(display(column, value))
            return f"{int(value):,}{unit}"

        return number_text
    if column.kind == Kind.PERCENTAGE:
        return lambda value: "" if value is None or value == "" else f"{escape(value)}%"
    if column.kind == Kind.YES_NO:
        yes, no = escape(_("Yes")), escape(_("No"))
        return lambda value: "" if value is None or value == "" else (yes if value else no)
    return lambda value: "" if value is None or value == "" else escape(str(value))
