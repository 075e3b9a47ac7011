"""Site moderators' pages for the registry of fields: add a field, change its names, order and
keywords, the department names that lead to it and its boards. A refused or invalid change
comes back as errors next to the inputs, with everything typed kept."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import verified_required
from fields import permissions, queries, services
from fields.forms import DepartmentNameForm, FieldBoardsForm, FieldCreateForm, FieldForm
from fields.models import DepartmentAlias, Field


def _require_manager(request) -> None:
    if not permissions.can_manage_field(request.user):
        raise PermissionDenied


def _add_errors(form, error: ValidationError) -> None:
    """Errors of a service onto the form: on their input when the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages_of in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_of)


@verified_required
def field_new(request):
    _require_manager(request)
    form = FieldCreateForm()
    if request.method == "POST":
        form = FieldCreateForm(request.POST)
        if form.is_valid():
            try:
                field = services.create_field(request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("The field “%(field)s” was added.") % {"field": field.name}
                )
                return redirect("fields:manage", slug=field.slug)
    return render(request, "fields/field_new.html", {"form": form})


def _field_form(field: Field, data=None) -> FieldForm:
    initial = {
        "name_ja": field.name_ja,
        "name_en": field.name_en,
        "position": field.position,
        "keywords": "\n".join(field.keywords),
    }
    return FieldForm(data, initial=initial)


@verified_required
def field_manage(request, slug):
    field = get_object_or_404(Field, slug=slug)
    _require_manager(request)
    details_form = _field_form(field)
    name_form = DepartmentNameForm()
    boards_form = FieldBoardsForm(initial={"boards": list(field.boards.all())})
    if request.method == "POST":
        if "details_submit" in request.POST:
            details_form = _field_form(field, request.POST)
            if details_form.is_valid():
                try:
                    services.update_field(request.user, field, **details_form.cleaned_data)
                except ValidationError as error:
                    field.refresh_from_db()
                    _add_errors(details_form, error)
                else:
                    messages.success(request, _("The field was saved."))
                    return redirect("fields:manage", slug=field.slug)
        elif "boards_submit" in request.POST:
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
                        request.user,
                        field,
                        name_form.cleaned_data["name"],
                        move=name_form.cleaned_data["move"],
                    )
                except ValidationError as error:
                    _add_errors(name_form, error)
                else:
                    messages.success(request, _("The department name was added."))
                    return redirect("fields:manage", slug=field.slug)
    context = {
        "field": field,
        "details_form": details_form,
        "name_form": name_form,
        "boards_form": boards_form,
        "aliases": field.aliases.select_related("added_by"),
        "guide": queries.current_guide(field),
    }
    return render(request, "fields/field_manage.html", context)


@require_POST
@verified_required
def remove_department_name(request, slug, alias_id):
    _require_manager(request)
    alias = get_object_or_404(DepartmentAlias, pk=alias_id, field__slug=slug)
    services.remove_department_name(request.user, alias)
    messages.success(
        request, _("%(department)s no longer leads to this field.") % {"department": alias.name}
    )
    return redirect("fields:manage", slug=slug)


@require_POST
@verified_required
def add_department_name(request):
    """From the page of an unknown department: a moderator gives the name to a field."""
    _require_manager(request)
    field = get_object_or_404(Field, slug=request.POST.get("field", "")[:50])
    form = DepartmentNameForm(request.POST)
    name = ""
    if form.is_valid():
        name = form.cleaned_data["name"]
        try:
            services.add_department_name(request.user, field, name)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
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
