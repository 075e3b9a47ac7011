"""Reads of progress tables: a board's tables, a table's rows sorted and filtered, who has not
answered, a row's history, and the revisions behind the history charts."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone

from accounts.models import Municipality
from core.compiled import CompiledRead
from forums.models import Membership
from progress.models import (
    BoardProgressSettings,
    ProgressColumn,
    ProgressRow,
    ProgressRowRevision,
    ProgressTable,
)
from progress.values import sort_key

# "Size" order of the kinds of organisation, used by the kind sort and filter; national
# ministries and agencies (members from them answer too) come last.
KIND_ORDER = [
    Municipality.Kind.PREFECTURE,
    Municipality.Kind.DESIGNATED_CITY,
    Municipality.Kind.CORE_CITY,
    Municipality.Kind.CITY,
    Municipality.Kind.SPECIAL_WARD,
    Municipality.Kind.TOWN,
    Municipality.Kind.VILLAGE,
    Municipality.Kind.NATIONAL,
]
KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}
SORTS = ("code", "kind", "updated")


def defined_by(board) -> str:
    return (
        BoardProgressSettings.objects.filter(board=board)
        .values_list("tables_defined_by", flat=True)
        .first()
        or BoardProgressSettings.DefinedBy.MEMBERS
    )


def board_tables(board):
    """A board's tables and polls, newest first, with how many organisations answered."""
    return list(
        ProgressTable.objects.filter(board=board)
        .annotate(row_count=Count("rows"))
        .select_related("author")
        .order_by("-created_at", "-id")
    )


BOARD_BOX_SIZE = 3
# On every board page a member opens: compiled once (core.compiled).
_OPEN_TABLES = CompiledRead(
    lambda board_id: (
        ProgressTable.objects.filter(board_id=board_id, closed_at__isnull=True)
        .annotate(row_count=Count("rows"))
        .order_by("-created_at", "-id")[:BOARD_BOX_SIZE]
    )
)


def open_tables_for_board(board) -> list[ProgressTable]:
    """The board's newest open tables, each with its number of rows."""
    return _OPEN_TABLES(board.pk)


def columns_of(table) -> list[ProgressColumn]:
    return list(ProgressColumn.objects.filter(table=table).order_by("position", "id"))


def order_key(row, sort: str):
    municipality = row.municipality
    if sort == "kind":
        return municipality.kind_order
    if sort == "updated":
        return row.updated_at.isoformat()
    return municipality.code_order


@dataclass(slots=True)
class Organisation:
    pk: int
    code: str
    name: str
    prefecture: str
    kind: str

    def get_kind_display(self) -> str:
        return str(Municipality.Kind(self.kind).label)

    @property
    def prefecture_code(self) -> str:
        """The first two digits of the local-government code; "" for a national body."""
        return self.code[:2] if self.code else ""

    @property
    def code_order(self) -> str:
        """Local-government code order (北海道 … 沖縄), national bodies (no code) after them; a
        string, so that the page's script compares keys as the server does."""
        return self.code or f"z{self.pk:012d}"

    @property
    def kind_order(self) -> str:
        return f"{KIND_RANK.get(self.kind, 9)}-{self.code_order}"

    def __str__(self) -> str:
        if self.kind in (Municipality.Kind.PREFECTURE, Municipality.Kind.NATIONAL):
            return self.name
        return f"{self.prefecture} {self.name}" if self.prefecture else self.name


@dataclass(slots=True)
class Row:
    """A row as the table page, the exports and the live events read it: plain values, no
    model instances (a table of 1,800 organisations would otherwise build 5,400 of them)."""

    pk: int
    version: int
    values: dict
    updated_at: object
    municipality_id: int
    municipality: Organisation
    updated_by_name: str


ROW_FIELDS = (
    "pk",
    "version",
    "values",
    "updated_at",
    "municipality_id",
    "municipality__code",
    "municipality__name",
    "municipality__prefecture",
    "municipality__kind",
    "updated_by__full_name",
)


def plain_row(row: ProgressRow) -> Row:
    """A row just written (with its organisation and the member who saved it) as ``rows_of``
    reads it."""
    organisation = row.municipality
    return Row(
        row.pk,
        row.version,
        row.values,
        row.updated_at,
        row.municipality_id,
        Organisation(
            organisation.pk,
            organisation.code,
            organisation.name,
            organisation.prefecture,
            organisation.kind,
        ),
        row.updated_by.full_name,
    )


def rows_of(table, **filters) -> list[Row]:
    """Every row of the table (one query)."""
    return [
        Row(
            pk,
            version,
            values,
            updated_at,
            org_id,
            Organisation(org_id, code, name, pref, kind),
            by,
        )
        for pk, version, values, updated_at, org_id, code, name, pref, kind, by in (
            ProgressRow.objects.filter(table=table, **filters).values_list(*ROW_FIELDS)
        )
    ]


@dataclass
class TableView:
    rows: list
    all_rows: list
    prefectures: list  # (two-digit code, name) of the organisations that answered
    kinds: list  # (kind, label) present


def table_rows(
    table, columns, *, sort="code", descending=False, prefecture="", kind="", all_rows=None
):
    """Every row (one query, unless ``all_rows`` are given), the visible ones sorted and
    filtered, and the filter options. ``sort`` is ``code`` (prefecture, in local-government
    code order from 北海道 to 沖縄), ``kind`` (size of organisation), ``updated`` or
    ``col-<id>``."""
    if all_rows is None:
        all_rows = rows_of(table)
    prefectures = sorted(
        {
            (row.municipality.prefecture_code, row.municipality.prefecture)
            for row in all_rows
            if row.municipality.prefecture_code
        }
    )
    kinds_present = {row.municipality.kind for row in all_rows}
    kinds = [
        (kind_value, Municipality.Kind(kind_value).label)
        for kind_value in KIND_ORDER
        if kind_value in kinds_present
    ]
    rows = all_rows
    if prefecture:
        rows = [row for row in rows if row.municipality.prefecture_code == prefecture]
    if kind:
        rows = [row for row in rows if row.municipality.kind == kind]
    column = None
    if sort.startswith("col-"):
        column = next((c for c in columns if f"col-{c.pk}" == sort), None)
    if column is not None:
        filled = [row for row in rows if row.values.get(column.key) not in (None, "")]
        empty = [row for row in rows if row.values.get(column.key) in (None, "")]
        filled.sort(
            key=lambda row: sort_key(column, row.values.get(column.key)), reverse=descending
        )
        empty.sort(key=lambda row: row.municipality.code_order)
        rows = filled + empty
    else:
        key = sort if sort in SORTS else "code"
        rows = sorted(rows, key=lambda row: order_key(row, key), reverse=descending)
    return TableView(rows=rows, all_rows=all_rows, prefectures=prefectures, kinds=kinds)


def row_for(table, municipality_id):
    if municipality_id is None:
        return None
    return (
        ProgressRow.objects.select_related("updated_by", "municipality")
        .filter(table=table, municipality_id=municipality_id)
        .first()
    )


def organisations_not_answered(table) -> list[Municipality]:
    """Organisations with an active member on the board and no row yet, in code order."""
    answered = ProgressRow.objects.filter(table=table, municipality=OuterRef("pk"))
    members = Membership.objects.filter(
        board_id=table.board_id, state=Membership.State.ACTIVE, user__municipality=OuterRef("pk")
    )
    return list(
        Municipality.objects.filter(Exists(members))
        .exclude(Exists(answered))
        .order_by(F("code").asc(nulls_last=True), "name")
    )


def row_history(row):
    return list(
        ProgressRowRevision.objects.filter(row=row)
        .select_related("user__municipality")
        .order_by("-version")
    )


def revisions_for_history(table, before=None):
    """``(row_id, created_at, values)`` of every save of the table (before the day ``before``,
    site time), oldest first."""
    revisions = ProgressRowRevision.objects.filter(table=table)
    if before is not None:
        start = timezone.make_aware(datetime.combine(before, time.min))
        revisions = revisions.filter(created_at__lt=start)
    return list(
        revisions.order_by("created_at", "id").values_list("row_id", "created_at", "values")
    )
