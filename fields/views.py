"""Pages of fields of work: the registry, a field's page and what members keep for it, the
people search and the department finder. Thin: form → permission → service → render."""

import difflib
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import verified_required
from fields import permissions, queries, services
from fields.forms import (
    CalendarEntryForm,
    DepartmentForm,
    DepartmentNameForm,
    FieldBoardsForm,
    GuideForm,
    HandoverNoteForm,
    PeopleSearchForm,
)
from fields.matching import field_for_department
from fields.middleware import WELCOME_SESSION_KEY
from fields.models import CalendarEntry, Field, HandoverNote
from forums import services as forum_services
from forums.markdown import render_markdown
from forums.permissions import can_join_board

PEOPLE_ON_FIELD_PAGE = 5
PEOPLE_PER_PAGE = 20


def _field_for(slug: str) -> Field:
    return get_object_or_404(Field, slug=slug)


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@verified_required
def field_list(request):
    return render(
        request,
        "fields/field_list.html",
        {"fields": queries.all_fields(), "form": DepartmentForm()},
    )


@verified_required
def for_department(request):
    """Where a department name leads: its field's page, or the closest fields and a search."""
    form = DepartmentForm(request.GET or None)
    department = request.user.department
    if form.is_bound and form.is_valid() and form.cleaned_data["department"]:
        department = form.cleaned_data["department"]
    elif not form.is_bound:
        form = DepartmentForm(initial={"department": department})
    match = field_for_department(department, member=request.user) if department else None
    if match is not None and match.field is not None and "stay" not in request.GET:
        messages.info(
            request,
            _("%(department)s is in the field “%(field)s”.")
            % {"department": department, "field": match.field.name},
        )
        return redirect(match.field)
    context = {
        "form": form,
        "department": department,
        "match": match,
        "fields": queries.all_fields(),
        "can_manage": permissions.can_manage_field(request.user),
        "name_form": DepartmentNameForm(initial={"name": department}),
    }
    return render(request, "fields/for_department.html", context)


@verified_required
def field_detail(request, slug):
    field = _field_for(slug)
    user = request.user
    boards = queries.readable_boards_of_field(user, field)
    board_ids = [entry.board.pk for entry in boards]
    welcome = None
    if WELCOME_SESSION_KEY in request.session:
        welcome = request.session.pop(WELCOME_SESSION_KEY)
    guide = queries.current_guide(field)
    context = {
        "field": field,
        "boards": [
            (entry, can_join_board(user, entry.board, entry.membership)) for entry in boards
        ],
        "joinable": any(can_join_board(user, e.board, e.membership) for e in boards),
        "guide": guide,
        "guide_html": guide.html if guide else "",
        "calendar": queries.calendar_of(field),
        "best_answers": queries.best_answers(user, board_ids),
        "unanswered": queries.unanswered_questions(user, board_ids),
        "people": queries.attach_experience(
            queries.people_to_ask(user, field)[:PEOPLE_ON_FIELD_PAGE], field
        ),
        "handover_notes": queries.shared_handover_notes(user, field, limit=5),
        "welcome": welcome is not None,
        "can_manage": permissions.can_manage_field(user),
    }
    return render(request, "fields/field_detail.html", context)


@require_POST
@verified_required
def join_boards(request, slug):
    """Join every board of the field the member may join, in one click."""
    field = _field_for(slug)
    joined = []
    for entry in queries.readable_boards_of_field(request.user, field):
        if can_join_board(request.user, entry.board, entry.membership):
            try:
                forum_services.join_board(request.user, entry.board, "")
            except PermissionDenied:
                continue
            joined.append(entry.board.name)
    if joined:
        messages.success(request, _("You joined: %(boards)s.") % {"boards": "、".join(joined)})
    else:
        messages.info(request, _("There was no board left to join."))
    return redirect(field)


# --- The guide ------------------------------------------------------------------------------


@verified_required
def guide(request, slug):
    field = _field_for(slug)
    revision = queries.current_guide(field)
    context = {
        "field": field,
        "revision": revision,
        "guide_html": revision.html if revision else "",
    }
    return render(request, "fields/guide.html", context)


@verified_required
def guide_edit(request, slug):
    field = _field_for(slug)
    if not permissions.can_edit_guide(request.user, field):
        raise PermissionDenied
    current = queries.current_guide(field)
    form = GuideForm(
        initial={"body": current.body if current else "", "base": current.number if current else 0}
    )
    conflict = None
    if request.method == "POST":
        form = GuideForm(request.POST)
        if form.is_valid():
            try:
                services.edit_guide(
                    request.user,
                    field,
                    form.cleaned_data["body"],
                    form.cleaned_data["note"],
                    base=form.cleaned_data["base"],
                )
            except ValidationError as error:
                if getattr(error, "code", "") == "conflict":
                    conflict = current
                    data = request.POST.copy()
                    data["base"] = current.number if current else 0
                    form = GuideForm(data)
                    form.is_valid()
                form.add_error(None, _errors(error))
            else:
                messages.success(request, _("The guide was saved."))
                return redirect("fields:guide", slug=field.slug)
    context = {"field": field, "form": form, "current": current, "conflict": conflict}
    return render(request, "fields/guide_edit.html", context)


@verified_required
def guide_history(request, slug):
    field = _field_for(slug)
    context = {"field": field, "revisions": queries.guide_history(field)}
    return render(request, "fields/guide_history.html", context)


@verified_required
def guide_revision(request, slug, number):
    field = _field_for(slug)
    revision = get_object_or_404(field.guide_revisions.select_related("author"), number=number)
    previous = field.guide_revisions.filter(number__lt=number).order_by("-number").first()
    diff = list(
        difflib.unified_diff(
            (previous.body if previous else "").splitlines(),
            revision.body.splitlines(),
            fromfile=f"r{previous.number}" if previous else "",
            tofile=f"r{revision.number}",
            lineterm="",
        )
    )
    lines = [
        ("added" if line.startswith("+") else "removed" if line.startswith("-") else "", line)
        for line in diff[2:]
    ]
    context = {"field": field, "revision": revision, "previous": previous, "lines": lines,
               "guide_html": revision.html}  # fmt: skip
    return render(request, "fields/guide_revision.html", context)


# --- The calendar of the year ------------------------------------------------------------------


@verified_required
def calendar(request, slug):
    field = _field_for(slug)
    form = CalendarEntryForm()
    if request.method == "POST":
        form = CalendarEntryForm(request.POST)
        if form.is_valid():
            try:
                services.add_calendar_entry(request.user, field, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                messages.success(request, _("The calendar entry was added."))
                return redirect("fields:calendar", slug=field.slug)
    context = {"field": field, "calendar": queries.calendar_of(field), "form": form}
    return render(request, "fields/calendar.html", context)


@verified_required
def calendar_entry_edit(request, slug, entry_id):
    field = _field_for(slug)
    entry = get_object_or_404(CalendarEntry, pk=entry_id, field=field)
    form = CalendarEntryForm(
        initial={"month": entry.month, "title": entry.title, "description": entry.description}
    )
    if request.method == "POST":
        if "delete" in request.POST:
            services.delete_calendar_entry(request.user, entry)
            messages.success(request, _("The calendar entry was deleted."))
            return redirect("fields:calendar", slug=field.slug)
        form = CalendarEntryForm(request.POST)
        if form.is_valid():
            try:
                services.update_calendar_entry(request.user, entry, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                messages.success(request, _("The calendar entry was saved."))
                return redirect("fields:calendar", slug=field.slug)
    context = {"field": field, "entry": entry, "form": form}
    return render(request, "fields/calendar_entry_edit.html", context)


# --- Handover notes ------------------------------------------------------------------------------


@verified_required
def handover_new(request, slug):
    field = _field_for(slug)
    form = HandoverNoteForm()
    if request.method == "POST":
        form = HandoverNoteForm(request.POST)
        if form.is_valid():
            try:
                note = services.write_handover_note(request.user, field, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                messages.success(request, _("Your handover notes were saved."))
                return redirect(note)
    return render(request, "fields/handover_form.html", {"field": field, "form": form})


def _note_for(request, note_id) -> HandoverNote:
    note = get_object_or_404(
        HandoverNote.objects.select_related("field", "author", "organisation"), pk=note_id
    )
    if not permissions.can_view_handover_note(request.user, note):
        raise PermissionDenied
    return note


@verified_required
def handover(request, note_id):
    note = _note_for(request, note_id)
    context = {
        "note": note,
        "field": note.field,
        "body_html": render_markdown(note.body),
        "can_edit": permissions.can_edit_handover_note(request.user, note),
    }
    return render(request, "fields/handover_detail.html", context)


@verified_required
def handover_edit(request, note_id):
    note = _note_for(request, note_id)
    if not permissions.can_edit_handover_note(request.user, note):
        raise PermissionDenied
    form = HandoverNoteForm(
        initial={"title": note.title, "body": note.body, "is_shared": note.is_shared}
    )
    if request.method == "POST":
        if "delete" in request.POST:
            services.delete_handover_note(request.user, note)
            messages.success(request, _("Your handover notes were deleted."))
            return redirect(note.field)
        form = HandoverNoteForm(request.POST)
        if form.is_valid():
            try:
                services.update_handover_note(request.user, note, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                messages.success(request, _("Your handover notes were saved."))
                return redirect(note)
    context = {"field": note.field, "form": form, "note": note}
    return render(request, "fields/handover_form.html", context)


# --- People who did this job elsewhere --------------------------------------------------------


@verified_required
def people(request):
    form = PeopleSearchForm(request.GET or None)
    field = prefecture = kind = None
    page = None
    if form.is_bound and form.is_valid():
        field = form.cleaned_data["field"]
        prefecture = form.cleaned_data["prefecture"]
        kind = form.cleaned_data["kind"]
    if not form.is_bound or form.is_valid():
        members = queries.people_to_ask(request.user, field, prefecture or "", kind or "")
        page = Paginator(members, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
        page.people = queries.attach_experience(
            page.object_list, field, prefecture or "", kind or ""
        )
    context = {
        "form": form,
        "page": page,
        "field": field,
        "fields": queries.all_fields(),
        "prefectures": queries.prefectures(),
        "query_string": _without_page(request),
    }
    return render(request, "fields/people.html", context)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Moderators: department names and boards of a field ----------------------------------------


@verified_required
def field_manage(request, slug):
    field = _field_for(slug)
    if not permissions.can_manage_field(request.user):
        raise PermissionDenied
    name_form = DepartmentNameForm()
    boards_form = FieldBoardsForm(initial={"boards": list(field.boards.all())})
    if request.method == "POST":
        if "boards_submit" in request.POST:
            boards_form = FieldBoardsForm(request.POST)
            if boards_form.is_valid():
                services.set_boards_of_field(
                    request.user, field, boards_form.cleaned_data["boards"]
                )
                messages.success(request, _("The boards of this field were saved."))
                return redirect("fields:manage", slug=field.slug)
        else:
            name_form = DepartmentNameForm(request.POST)
            if name_form.is_valid():
                try:
                    services.add_department_name(
                        request.user, field, name_form.cleaned_data["name"]
                    )
                except ValidationError as error:
                    name_form.add_error("name", _errors(error))
                else:
                    messages.success(request, _("The department name was added."))
                    return redirect("fields:manage", slug=field.slug)
    context = {
        "field": field,
        "name_form": name_form,
        "boards_form": boards_form,
        "aliases": field.aliases.select_related("added_by"),
    }
    return render(request, "fields/field_manage.html", context)


@require_POST
@verified_required
def add_department_name(request):
    """From the page of an unknown department: a moderator gives the name to a field."""
    if not permissions.can_manage_field(request.user):
        raise PermissionDenied
    field = _field_for(request.POST.get("field", "")[:50])
    form = DepartmentNameForm(request.POST)
    name = ""
    if form.is_valid():
        name = form.cleaned_data["name"]
        try:
            services.add_department_name(request.user, field, name)
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(
                request,
                _("%(department)s now leads to “%(field)s”.")
                % {"department": name, "field": field.name},
            )
    else:
        messages.error(request, _("Write the department name."))
    query = urlencode({"department": name, "stay": 1})
    return redirect(f"{reverse('fields:for_department')}?{query}")
