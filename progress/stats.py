"""The summary row of a table (count, median, quartiles per column) and the figures its
charts draw: distributions now, and how the median moved over time."""

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from progress import values
from progress.models import ProgressColumn

Kind = ProgressColumn.Kind


@dataclass
class ColumnSummary:
    column: ProgressColumn
    count: int = 0
    median: str = ""
    q1: str = ""
    q3: str = ""
    minimum: str = ""
    maximum: str = ""
    # For choices and yes/no: (label, count) in the column's order.
    tally: list = field(default_factory=list)


def _show(column: ProgressColumn, number: float) -> str:
    if column.kind == Kind.DATE:
        return date.fromordinal(round(number)).isoformat()
    rounded = Decimal(str(round(number, 1))).normalize()
    if column.kind == Kind.PERCENTAGE:
        return f"{format(rounded, 'f')}%"
    return f"{format(rounded, ',f')}{column.unit}"


def quartiles(numbers: list[float]) -> tuple[float, float, float]:
    """Q1, median, Q3 (the "inclusive" method: Excel's QUARTILE.INC)."""
    if len(numbers) == 1:
        return numbers[0], numbers[0], numbers[0]
    q1, median, q3 = statistics.quantiles(numbers, n=4, method="inclusive")
    return q1, median, q3


def tally(column: ProgressColumn, answers: list) -> list[tuple[str, int]]:
    counts = Counter(answers)
    if column.kind == Kind.YES_NO:
        return [(_("Yes"), counts.get(True, 0)), (_("No"), counts.get(False, 0))]
    return [(choice, counts.get(choice, 0)) for choice in column.choices]


def summarise(columns, rows) -> list[ColumnSummary]:
    summaries = []
    for column in columns:
        answers = [row.values.get(column.key) for row in rows]
        answers = [answer for answer in answers if answer is not None and answer != ""]
        summary = ColumnSummary(column=column, count=len(answers))
        read = values.number_reader(column)
        numbers = sorted(number for number in map(read, answers) if number is not None)
        if numbers:
            q1, median, q3 = quartiles(numbers)
            summary.q1, summary.median, summary.q3 = (_show(column, n) for n in (q1, median, q3))
            summary.minimum, summary.maximum = _show(column, numbers[0]), _show(column, numbers[-1])
        if column.kind in (Kind.YES_NO, Kind.CHOICE):
            summary.tally = tally(column, answers)
        summaries.append(summary)
    return summaries


@dataclass
class Bin:
    label: str
    count: int


def _nice_step(span: float, bins: int) -> float:
    raw = span / bins if span else 1
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def distribution(column: ProgressColumn, rows) -> list[Bin]:
    """Counts per bar of the column's distribution chart: choices as they are, percentages in
    tens, other numbers in up to ten equal "nice" ranges."""
    answers = [row.values.get(column.key) for row in rows]
    answers = [answer for answer in answers if answer is not None and answer != ""]
    if column.kind in (Kind.YES_NO, Kind.CHOICE):
        return [Bin(label, count) for label, count in tally(column, answers)]
    if not column.is_numeric or not answers:
        return []
    numbers = list(map(values.number_reader(column), answers))
    if column.kind == Kind.PERCENTAGE:
        counts = Counter(min(int(number // 10), 9) for number in numbers)
        return [Bin(f"{low * 10}–{low * 10 + 10}%", counts.get(low, 0)) for low in range(10)]
    low, high = min(numbers), max(numbers)
    step = _nice_step(high - low, 10)
    start = (low // step) * step
    count = max(1, int((high - start) // step) + 1)
    counts = Counter(min(int((number - start) // step), count - 1) for number in numbers)

    def edge(index):
        return _show(column, start + index * step).removesuffix(column.unit)

    return [
        Bin(f"{edge(index)}–{edge(index + 1)}{column.unit}", counts.get(index, 0))
        for index in range(count)
    ]


@dataclass
class HistoryPoint:
    day: date
    count: int
    median: float
    label: str


def revision_days(revisions) -> list[tuple[int, date, dict]]:
    """``(row_id, local day, values)`` of revisions given as ``(row_id, created_at, values)``:
    the day is worked out once per revision, not once per column."""
    zone = timezone.get_current_timezone()
    return [(row_id, moment.astimezone(zone).date(), data) for row_id, moment, data in revisions]


def history(column: ProgressColumn, revisions) -> list[HistoryPoint]:
    """The column's median at the end of each day that saw a change, replayed from the rows'
    revisions (``revision_days``, in time order). The median is taken once per day."""
    latest: dict[int, float] = {}
    points: list[HistoryPoint] = []

    def close(day) -> None:
        if day is not None and latest:
            median = statistics.median(latest.values())
            points.append(HistoryPoint(day, len(latest), median, _show(column, median)))

    current = None
    key = column.key
    read = values.number_reader(column)
    for row_id, day, row_values in revisions:
        if day != current:
            close(current)
            current = day
        number = read(row_values.get(key))
        if number is None:
            latest.pop(row_id, None)
        else:
            latest[row_id] = number
    close(current)
    return points


def median_point(column: ProgressColumn, rows, day) -> HistoryPoint | None:
    """The column's median over the rows as they are now, as the history point of ``day``."""
    key = column.key
    read = values.number_reader(column)
    numbers = [number for row in rows if (number := read(row.values.get(key))) is not None]
    if not numbers:
        return None
    median = statistics.median(numbers)
    return HistoryPoint(day, len(numbers), median, _show(column, median))
