"""Pages of what members keep for a field: the guide, the calendar of the year and handover
notes, each with its history (who changed what, when). Thin: form → permission → service."""

import difflib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import verified_required
from fields import permissions, queries, services
from fields.forms import CalendarEntryForm, GuideForm, HandoverNoteForm
from fields.models import CalendarEntry, Field, HandoverNote
from forums.markdown import render_markdown

HISTORY_PER_PAGE = 50


def _field_for(slug: str) -> Field:
    return get_object_or_404(Field, slug=slug)


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``(kind, line)`` pairs of a unified diff without its file header; kind is "added",
    "removed" or "" (context and hunk lines)."""
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm=""))
    return [
        ("added" if line.startswith("+") else "removed" if line.startswith("-") else "", line)
        for line in diff[2:]
    ]


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
    context = {
        "field": field,
        "revision": revision,
        "previous": previous,
        "lines": line_diff(previous.body if previous else "", revision.body),
        "guide_html": revision.html,
    }
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
    context = {
        "field": field,
        "entry": entry,
        "form": form,
        "changes": queries.calendar_entry_history(entry),
    }
    return render(request, "fields/calendar_entry_edit.html", context)


@verified_required
def calendar_history(request, slug):
    """Every change to the field's calendar, newest first, deleted entries included."""
    field = _field_for(slug)
    page = Paginator(queries.calendar_history(field), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "fields/calendar_history.html", {"field": field, "page": page})


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
        "versions": note.revisions.count(),
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


@verified_required
def handover_history(request, note_id):
    note = _note_for(request, note_id)
    context = {"note": note, "field": note.field, "versions": queries.handover_history(note)}
    return render(request, "fields/handover_history.html", context)


@verified_required
def handover_version(request, note_id, number):
    note = _note_for(request, note_id)
    version = get_object_or_404(note.revisions.select_related("editor"), number=number)
    previous = note.revisions.filter(number__lt=number).order_by("-number").first()
    context = {
        "note": note,
        "field": note.field,
        "version": version,
        "previous": previous,
        "lines": line_diff(previous.body if previous else "", version.body),
        "body_html": render_markdown(version.body),
    }
    return render(request, "fields/handover_version.html", context)
