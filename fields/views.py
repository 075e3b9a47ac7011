"""Pages of fields of work: the registry, a field's page, the people search and the department
finder. Thin: form → permission → service → render. What members keep for a field (guide,
calendar, handover notes) is in ``record_views``; moderators' pages in ``manage_views``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import verified_required
from fields import fragments, permissions, queries
from fields.forms import (
    DepartmentForm,
    DepartmentNameForm,
    PeopleSearchForm,
)
from fields.matching import field_for_department
from fields.middleware import WELCOME_SESSION_KEY
from fields.models import Field
from forums import services as forum_services
from forums.permissions import can_join_board

PEOPLE_ON_FIELD_PAGE = 5
PEOPLE_PER_PAGE = 20


def _field_for(slug: str) -> Field:
    return get_object_or_404(Field, slug=slug)


@verified_required
def field_list(request):
    return render(
        request,
        "fields/field_list.html",
        {
            "fields": queries.all_fields(),
            "form": DepartmentForm(),
            "can_manage": permissions.can_manage_field(request.user),
        },
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
    field, guide = queries.field_and_guide(slug)
    if field is None:
        raise Http404
    user = request.user
    boards = queries.readable_boards_of_field(user, field)
    board_ids = [entry.board.pk for entry in boards]
    best, waiting = queries.best_and_waiting_topics(user, board_ids)
    people = queries.people_for_field_page(user, field, PEOPLE_ON_FIELD_PAGE)
    fragments.attach_cards(people, field)
    welcome = None
    if WELCOME_SESSION_KEY in request.session:
        welcome = request.session.pop(WELCOME_SESSION_KEY)
    context = {
        "field": field,
        "boards": [
            (entry, can_join_board(user, entry.board, entry.membership)) for entry in boards
        ],
        "joinable": any(can_join_board(user, e.board, e.membership) for e in boards),
        "guide": guide,
        "guide_html": guide.html if guide else "",
        "calendar": queries.cached_calendar_of(field),
        "best_answers": best,
        "unanswered": waiting,
        "people": people,
        "handover_notes": queries.shared_handover_notes(
            user, field, limit=queries.HANDOVER_NOTES_ON_FIELD_PAGE
        ),
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
        fragments.attach_cards(page.people, field)
    context = {
        "form": form,
        "page": page,
        "field": field,
        "field_choices": [(option.slug, option.name) for option in queries.all_fields()],
        "prefecture_choices": [(name, name) for name in queries.prefectures()],
        "kind_choices": form.fields["kind"].choices,
        "query_string": _without_page(request),
    }
    return render(request, "fields/people.html", context)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
