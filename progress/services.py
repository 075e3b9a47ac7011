"""Every write of progress tables: defining tables and polls, saving an organisation's row,
closing a table, and the board's setting of who may define tables.

Saving a row is optimistic: the form carries the version it was based on, and a save based on
an older version is refused with the newer values (``RowConflict``), never merged silently.
Each save keeps a revision (who, when, what) and records a live event with the table's next
sequence in the same transaction; ``progress.live`` sends it after the commit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.queries import membership_of
from progress import live, permissions, values
from progress.models import (
    BoardProgressSettings,
    ProgressColumn,
    ProgressRow,
    ProgressRowRevision,
    ProgressTable,
)
from progress.queries import columns_of, defined_by

MAX_COLUMNS = 30
MAX_CHOICES = 20


class RowInvalid(ValidationError):
    """Some cells could not be read: ``errors`` maps a column key to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Some answers could not be read; nothing was saved yet."))
        self.errors = errors


class RowConflict(Exception):
    """Someone saved the row after the version the form was based on."""

    def __init__(self, row: ProgressRow):
        super().__init__("row changed")
        self.row = row


def _check_columns(columns: list[dict]) -> None:
    if not columns:
        raise ValidationError(_("Add at least one question."))
    if len(columns) > MAX_COLUMNS:
        raise ValidationError(
            _("A table has at most %(limit)d questions.") % {"limit": MAX_COLUMNS}
        )
    for column in columns:
        if column["kind"] not in ProgressColumn.Kind.values:
            raise ValidationError(_("Choose the type of each answer."))
        if (
            column["kind"] == ProgressColumn.Kind.CHOICE
            and not 2 <= len(column.get("choices") or []) <= MAX_CHOICES
        ):
            raise ValidationError(
                _("“%(question)s”: give 2 to %(limit)d choices.")
                % {"question": column["question"], "limit": MAX_CHOICES}
            )


@transaction.atomic
def define_table(author, board, *, title, columns, description="", deadline=None, kind=None):
    """A new table: ``columns`` are dicts with ``question``, ``kind``, ``unit`` and
    ``choices``."""
    membership = membership_of(author, board)
    if not permissions.can_define_table(author, board, membership, defined_by(board)):
        raise PermissionDenied(_("Only this board's moderators can create tables here."))
    _check_columns(columns)
    table = ProgressTable.objects.create(
        board=board,
        author=author,
        kind=kind or ProgressTable.Kind.TABLE,
        title=title.strip(),
        description=description.strip(),
        deadline=deadline,
    )
    ProgressColumn.objects.bulk_create(
        ProgressColumn(
            table=table,
            position=position,
            question=column["question"].strip(),
            kind=column["kind"],
            unit=(column.get("unit") or "").strip() if column["kind"] == "number" else "",
            choices=list(column.get("choices") or []) if column["kind"] == "choice" else [],
        )
        for position, column in enumerate(columns)
    )
    return table


def create_poll(author, board, *, question, choices, deadline=None, description=""):
    """A quick poll ("how does your city do X?"): a table with one choice column."""
    return define_table(
        author,
        board,
        title=question,
        description=description,
        deadline=deadline,
        kind=ProgressTable.Kind.POLL,
        columns=[{"question": question, "kind": "choice", "choices": choices}],
    )


def read_row(columns, typed: dict[str, str]) -> dict:
    """The JSON values of what was typed per column key; ``RowInvalid`` lists every cell that
    could not be read (the form keeps all that was typed)."""
    cleaned, errors = {}, {}
    for column in columns:
        try:
            value = values.parse(column, typed.get(column.key, ""))
        except ValueError as error:
            errors[column.key] = str(error)
            continue
        if value is not None:
            cleaned[column.key] = value
    if errors:
        raise RowInvalid(errors)
    return cleaned


def save_row(
    user, table: ProgressTable, typed: dict[str, str], base_version: int, *, columns=None
) -> ProgressRow:
    """Save the member's organisation's row. ``base_version`` is the version the form showed
    (0 for a new row); ``columns``, the table's, when the caller has read them already.
    Raises ``RowInvalid``, ``RowConflict`` or ``PermissionDenied``."""
    if not permissions.can_edit_row(user, table, membership_of(user, table.board)):
        if user.municipality_id is None:
            raise PermissionDenied(
                _("Your profile names no organisation, so you have no row here.")
            )
        if table.is_closed:
            raise PermissionDenied(_("This table is closed."))
        raise PermissionDenied(_("Join this board to answer."))
    columns = columns_of(table) if columns is None else columns
    cleaned = read_row(columns, typed)
    try:
        with transaction.atomic():
            return _write_row(user, table, columns, cleaned, base_version)
    except IntegrityError:
        # A colleague created the row at the same moment: theirs is the newer version.
        row = ProgressRow.objects.select_related("updated_by", "municipality").get(
            table=table, municipality_id=user.municipality_id
        )
        raise RowConflict(row) from None


def _write_row(user, table, columns, cleaned: dict, base_version: int) -> ProgressRow:
    now = timezone.now()
    row = (
        ProgressRow.objects.select_for_update(of=("self",))
        .select_related("updated_by", "municipality")
        .filter(table=table, municipality_id=user.municipality_id)
        .first()
    )
    if row is None:
        row = ProgressRow.objects.create(
            table=table,
            municipality=user.municipality,
            values=cleaned,
            version=1,
            created_at=now,
            updated_at=now,
            updated_by=user,
        )
    else:
        if row.version != base_version:
            raise RowConflict(row)
        if row.values == cleaned:
            return row
        row.values = cleaned
        row.version += 1
        row.updated_at = now
        row.updated_by = user
        row.save(update_fields=["values", "version", "updated_at", "updated_by"])
    ProgressRowRevision.objects.create(
        row=row, table=table, version=row.version, values=cleaned, user=user, created_at=now
    )
    live.row_saved(table, row, columns)
    return row


def _require_manager(actor, table) -> None:
    if not permissions.can_manage_table(actor, table, membership_of(actor, table.board)):
        raise PermissionDenied(_("Only the table's author or a board moderator can do this."))


@transaction.atomic
def close_table(actor, table: ProgressTable) -> ProgressTable:
    _require_manager(actor, table)
    if not table.is_closed:
        table.closed_at = timezone.now()
        table.save(update_fields=["closed_at"])
        live.table_changed(table, "table.closed")
    return table


@transaction.atomic
def reopen_table(actor, table: ProgressTable) -> ProgressTable:
    _require_manager(actor, table)
    if table.is_closed:
        table.closed_at = None
        table.save(update_fields=["closed_at"])
        live.table_changed(table, "table.reopened")
    return table


@transaction.atomic
def set_tables_defined_by(actor, board, value: str) -> BoardProgressSettings:
    if not permissions.can_change_settings(actor, board, membership_of(actor, board)):
        raise PermissionDenied(_("Only board moderators can change this."))
    if value not in BoardProgressSettings.DefinedBy.values:
        raise ValidationError(_("Choose who may create tables."))
    setting, _created = BoardProgressSettings.objects.update_or_create(
        board=board, defaults={"tables_defined_by": value}
    )
    return setting
