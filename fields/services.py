"""Every write about fields of work: department names, boards of a field, the guide, the
calendar of the year and handover notes."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fields import permissions, queries
from fields.matching import normalise
from fields.models import (
    CalendarEntry,
    CalendarRevision,
    DepartmentAlias,
    Field,
    GuideRevision,
    HandoverNote,
    HandoverNoteRevision,
)
from moderation import audit

Action = audit.Action


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


RESERVED_SLUGS = frozenset({"new", "people", "names", "handover"})  # paths under /fields/


def _check_names(field: Field, names: list[str], *, move: bool) -> list[DepartmentAlias]:
    """Names that already lead to another field are an error unless the moderator moves them."""
    taken = list(
        DepartmentAlias.objects.filter(name__in=names).exclude(field_id=field.pk or 0)
        .select_related("field")
    )  # fmt: skip
    if taken and not move:
        raise ValidationError(
            _("%(names)s already lead to another field: %(fields)s.")
            % {
                "names": "、".join(alias.name for alias in taken),
                "fields": "、".join(sorted({alias.field.name for alias in taken})),
            },
            code="taken",
        )
    return taken


def _department_names(names) -> list[str]:
    return list(dict.fromkeys(key for key in (normalise(name) for name in names) if key))


@transaction.atomic
def add_department_name(actor, field: Field, name: str, *, move: bool = False) -> DepartmentAlias:
    """A moderator teaches the registry a department name (健康推進室 → health promotion). A name
    that leads to another field moves here only when ``move`` says so."""
    _require(permissions.can_manage_field(actor), _("Only site moderators add department names."))
    key = normalise(name)
    if not key:
        raise ValidationError({"name": _("Write the department name.")})
    existing = DepartmentAlias.objects.filter(name=key).select_related("field").first()
    if existing is not None and existing.field_id == field.pk:
        return existing
    try:
        _check_names(field, [key], move=move)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from None
    if existing is not None:
        before = {"field": existing.field.slug}
        existing.field, existing.added_by, existing.created_at = field, actor, timezone.now()
        existing.save(update_fields=["field", "added_by", "created_at"])
        _audit(actor, Action.FIELD_NAME_ADDED, field, before=before, after={"name": key})
        return existing
    alias = DepartmentAlias(field=field, name=key, added_by=actor)
    alias.full_clean()
    alias.save()
    _audit(actor, Action.FIELD_NAME_ADDED, field, after={"name": key})
    return alias


@transaction.atomic
def remove_department_name(actor, alias: DepartmentAlias) -> None:
    """The name no longer leads to the field; members who typed it get the closest fields."""
    _require(
        permissions.can_manage_field(actor), _("Only site moderators remove department names.")
    )
    _audit(actor, Action.FIELD_NAME_REMOVED, alias.field, before={"name": alias.name})
    alias.delete()


def _described(field: Field) -> dict:
    return {
        "name_ja": field.name_ja,
        "name_en": field.name_en,
        "position": field.position,
        "keywords": list(field.keywords),
    }


def _audit(actor, action: str, field: Field, **changes) -> None:
    """Changes to the registry go to the site's audit log beside verification decisions."""
    audit.record(actor, action, label=f"{field.name_ja} ({field.slug})", **changes)


def _keywords(words) -> list[str]:
    return list(dict.fromkeys(key for key in (normalise(word) for word in words) if key))


@transaction.atomic
def create_field(
    actor,
    *,
    slug: str,
    name_ja: str,
    name_en: str,
    position: int | None = None,
    keywords=(),
    department_names=(),
    guide: str = "",
) -> Field:
    """A new field of work, with the department names that lead to it and, if given, the first
    version of its guide. Nothing is written unless all of it is valid."""
    _require(permissions.can_manage_field(actor), _("Only site moderators add fields of work."))
    slug = slug.strip().lower()
    errors = {}
    if slug in RESERVED_SLUGS:
        errors["slug"] = _("This address is used by another page. Choose another one.")
    elif Field.objects.filter(slug=slug).exists():
        errors["slug"] = _("A field with this address exists already.")
    names = _department_names(department_names)
    field = Field(
        slug=slug,
        name_ja=name_ja.strip(),
        name_en=name_en.strip(),
        keywords=_keywords(keywords),
        position=position if position is not None else _next_position(),
    )
    try:
        _check_names(field, names, move=False)
    except ValidationError as error:
        errors["department_names"] = error.messages
    try:
        field.full_clean(exclude=["slug"] if "slug" in errors else None)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, messages)
    if errors:
        raise ValidationError(errors)
    field.save()
    DepartmentAlias.objects.bulk_create(
        DepartmentAlias(field=field, name=name, added_by=actor) for name in names
    )
    if guide.strip():
        GuideRevision.objects.create(
            field=field, number=1, body=guide.strip(), note=_("First version"), author=actor
        )
    _audit(actor, Action.FIELD_CREATED, field, after={**_described(field), "names": names})
    return field


def _next_position() -> int:
    return (Field.objects.aggregate(position=Max("position"))["position"] or 0) + 10


@transaction.atomic
def update_field(actor, field: Field, *, name_ja: str, name_en: str, position: int, keywords=()):
    """Names, order and keywords of a field; its address (slug) stays, so links keep working."""
    _require(permissions.can_manage_field(actor), _("Only site moderators change fields."))
    before = _described(field)
    field.name_ja, field.name_en = name_ja.strip(), name_en.strip()
    field.position, field.keywords = position, _keywords(keywords)
    field.full_clean(exclude=["slug"])
    field.save(update_fields=["name_ja", "name_en", "position", "keywords"])
    if _described(field) != before:
        _audit(actor, Action.FIELD_UPDATED, field, before=before, after=_described(field))
    return field


@transaction.atomic
def set_boards_of_field(actor, field: Field, boards) -> None:
    _require(permissions.can_manage_field(actor), _("Only site moderators choose boards."))
    before = sorted(field.boards.values_list("slug", flat=True))
    field.boards.set(boards)
    after = sorted(field.boards.values_list("slug", flat=True))
    if after != before:
        _audit(
            actor,
            Action.FIELD_BOARDS_SET,
            field,
            before={"boards": before},
            after={"boards": after},
        )


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


def _forget_calendar(field_id: int) -> None:
    """Empty the field page's cached calendar now and again after the commit (a page read in
    between would otherwise keep the old entries in the cache)."""
    key = queries.calendar_key(field_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _record_calendar_change(actor, entry: CalendarEntry, action: str) -> None:
    _forget_calendar(entry.field_id)
    CalendarRevision.objects.create(
        field_id=entry.field_id,
        entry=entry,
        action=action,
        month=entry.month,
        title=entry.title,
        description=entry.description,
        editor=actor,
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
    _record_calendar_change(actor, entry, CalendarRevision.Action.ADDED)
    return entry


@transaction.atomic
def update_calendar_entry(actor, entry: CalendarEntry, *, month: int, title: str, description=""):
    """Change an entry; the calendar's history keeps what it says now and who changed it (a save
    that changes nothing is not recorded)."""
    _require(
        permissions.can_edit_calendar(actor, entry.field), _("Only verified members edit this.")
    )
    new = (month, title.strip(), description.strip())
    if new == (entry.month, entry.title, entry.description):
        return entry
    entry.month, entry.title, entry.description = new
    entry.updated_by, entry.updated_at = actor, timezone.now()
    entry.full_clean()
    entry.save()
    _record_calendar_change(actor, entry, CalendarRevision.Action.CHANGED)
    return entry


@transaction.atomic
def delete_calendar_entry(actor, entry: CalendarEntry) -> None:
    """Delete an entry; its history stays with the field's calendar, ending with the deletion."""
    _require(
        permissions.can_edit_calendar(actor, entry.field), _("Only verified members edit this.")
    )
    _record_calendar_change(actor, entry, CalendarRevision.Action.DELETED)
    entry.delete()


def _record_note_version(actor, note: HandoverNote, number: int) -> None:
    HandoverNoteRevision.objects.create(
        note=note,
        number=number,
        title=note.title,
        body=note.body,
        is_shared=note.is_shared,
        editor=actor,
        created_at=note.updated_at,
    )


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
    _record_note_version(author, note, 1)
    return note


@transaction.atomic
def update_handover_note(author, note: HandoverNote, *, title: str, body: str, is_shared: bool):
    """Save a new version of the notes; every version stays readable in the notes' history."""
    _require(
        permissions.can_edit_handover_note(author, note), _("Only the author edits this note.")
    )
    HandoverNote.objects.select_for_update().filter(pk=note.pk).first()  # one save at a time
    new = (title.strip(), body.strip(), is_shared)
    if new == (note.title, note.body, note.is_shared):
        return note
    note.title, note.body, note.is_shared = new
    note.updated_at = timezone.now()
    note.full_clean()
    note.save()
    latest = note.revisions.aggregate(number=Max("number"))["number"] or 0
    _record_note_version(author, note, latest + 1)
    return note


@transaction.atomic
def delete_handover_note(author, note: HandoverNote) -> None:
    _require(
        permissions.can_edit_handover_note(author, note), _("Only the author deletes this note.")
    )
    note.delete()
