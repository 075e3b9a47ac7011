"""A member's assignments: the timeline of current, past and planned posts, and its changes."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services as account_services
from accounts.decorators import verified_required
from accounts.models import Assignment
from fields import queries
from fields.forms import AssignmentFieldForm, AssignmentForm


@verified_required
def assignments(request):
    member = request.user
    form = AssignmentForm(
        initial={
            "municipality": member.municipality_id,
            "kind": Assignment.Kind.POST,
            "started_on": timezone.localdate(),
        }
    )
    if request.method == "POST":
        form = AssignmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assignment = account_services.add_assignment(
                    member,
                    municipality=data["municipality"],
                    department=data["department"],
                    position=data["position"],
                    kind=data["kind"],
                    field=data["field"],
                    started_on=data["started_on"],
                    ended_on=data["ended_on"],
                )
            except ValidationError as error:
                for name, errors in getattr(error, "error_dict", {None: error.messages}).items():
                    for message in errors:
                        form.add_error(name if name in form.fields else None, message)
            else:
                return _after_adding(request, assignment)
    context = {
        "form": form,
        "timeline": queries.assignments_of(member),
        "field_form": AssignmentFieldForm(),
        "today": timezone.localdate(),
    }
    return render(request, "fields/assignments.html", context)


def _after_adding(request, assignment: Assignment):
    """Straight to the new field's page, where a newcomer starts; the timeline otherwise."""
    when = formats.date_format(assignment.started_on, "DATE_FORMAT")
    if assignment.state == "planned":
        messages.success(
            request,
            _("Your move from %(date)s is planned. It takes effect that day.") % {"date": when},
        )
    else:
        messages.success(request, _("Your assignment was saved."))
    if assignment.field_id is not None and assignment.ended_on is None:
        return redirect(assignment.field)
    if assignment.field_id is None:
        query = urlencode({"stay": 1, "department": assignment.department})
        return redirect(f"{reverse('fields:for_department')}?{query}")
    return redirect("fields:assignments")


def _own_assignment(request, assignment_id) -> Assignment:
    assignment = get_object_or_404(Assignment, pk=assignment_id)
    if assignment.user_id != request.user.pk:
        raise PermissionDenied
    return assignment


@require_POST
@verified_required
def assignment_delete(request, assignment_id):
    assignment = _own_assignment(request, assignment_id)
    account_services.remove_assignment(request.user, assignment)
    messages.success(request, _("The assignment was removed."))
    return redirect("fields:assignments")


@require_POST
@verified_required
def assignment_field(request, assignment_id):
    """The member corrects which field an assignment belongs to."""
    assignment = _own_assignment(request, assignment_id)
    form = AssignmentFieldForm(request.POST)
    if form.is_valid():
        account_services.set_assignment_field(request.user, assignment, form.cleaned_data["field"])
        messages.success(request, _("The field of work was changed."))
    else:
        messages.error(request, _("Choose a field of work from the list."))
    return redirect("fields:assignments")
