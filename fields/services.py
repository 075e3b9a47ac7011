"""Every write about fields of work: department names, boards of a field, the guide, the
calendar of the year and handover notes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fields import permissions
from fields.matching import normalise
from fields.models import CalendarEntry, DepartmentAlias, Field, GuideRevision, HandoverNote


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


@transaction.atomic
def add_department_name(actor, field: Field, name: str) -> DepartmentAlias:
    """A moderator teaches the registry a department name (健康推進室 → health promotion)."""
    _require(permissions.can_manage_field(actor), _("Only site moderators add department names."))
    key = normalise(name)
    if not key:
        raise ValidationError({"name": _("Write the department name.")})
    existing = DepartmentAlias.objects.filter(name=key).select_related("field").first()
    if existing is not None:
        if existing.field_id == field.pk:
            return existing
        raise ValidationError(
            {
                "name": _("%(name)s already leads to %(field)s.")
                % {"name": key, "field": existing.field.name}
            }
        )
    alias = DepartmentAlias(field=field, name=key, added_by=actor)
    alias.full_clean()
    alias.save()
    return alias


@transaction.atomic
def set_boards_of_field(actor, field: Field, boards) -> None:
    _require(permissions.can_manage_field(actor), _("Only site moderators choose boards."))
    field.boards.set(boards)


@transaction.atomic
def edit_guide(author, field: Field, body: str, note: str = "", *, base: int) -> GuideRevision:
    """Save a new version of the guide. ``base`` is the revision number the author started
    from: if someone saved in between, nothing is lost but the author is asked to merge."""
    _require(permissions.can_edit_guide(author, field), _("Only verified members edit guides."))
    Field.objects.select_for_update().get(pk=field.pk)  # one editor at a time per field
    latest = field.guide_revisions.aggregate(number=Max("number"))["number"] or 0
    if base != latest:
        raise ValidationError(
            _(
                "Someone saved the guide while you were editing. Your text is kept below: "
                "compare it with the current guide and save again."
            ),
            code="conflict",
        )
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("The guide cannot be empty.")})
    current = field.guide_revisions.filter(number=latest).first()
    if current is not None and current.body == body:
        return current
    return GuideRevision.objects.create(
        field=field, number=latest + 1, body=body, note=note.strip()[:200], author=author
    )


@transaction.atomic
def add_calendar_entry(actor, field: Field, *, month: int, title: str, description: str = ""):
    _require(permissions.can_edit_calendar(actor, field), _("Only verified members edit this."))
    entry = CalendarEntry(
        field=field,
        month=month,
        title=title.strip(),
        description=description.strip(),
        created_by=actor,
        updated_by=actor,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def update_calendar_entry(actor, entry: CalendarEntry, *, month: int, title: str, description=""):
    _require(
        permissions.can_edit_calendar(actor, entry.field), _("Only verified members edit this.")
    )
    entry.month, entry.title, entry.description = month, title.strip(), description.strip()
    entry.updated_by, entry.updated_at = actor, timezone.now()
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def delete_calendar_entry(actor, entry: CalendarEntry) -> None:
    _require(
        permissions.can_edit_calendar(actor, entry.field), _("Only verified members edit this.")
    )
    entry.delete()


@transaction.atomic
def write_handover_note(
    author, field: Field, *, title: str, body: str, is_shared: bool
) -> HandoverNote:
    _require(
        permissions.can_write_handover_note(author, field),
        _("Only verified members write handover notes."),
    )
    note = HandoverNote(
        field=field,
        author=author,
        organisation=author.municipality,
        department=author.department,
        title=title.strip(),
        body=body.strip(),
        is_shared=is_shared,
    )
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def update_handover_note(author, note: HandoverNote, *, title: str, body: str, is_shared: bool):
    _require(
        permissions.can_edit_handover_note(author, note), _("Only the author edits this note.")
    )
    note.title, note.body, note.is_shared = title.strip(), body.strip(), is_shared
    note.updated_at = timezone.now()
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def delete_handover_note(author, note: HandoverNote) -> None:
    _require(
        permissions.can_edit_handover_note(author, note), _("Only the author deletes this note.")
    )
    note.delete()
