"""On the first request on or after the day a planned move starts, the move takes effect and
the member is greeted with their new field's page (once)."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Assignment

WELCOME_SESSION_KEY = "fields.welcome_assignment"
# A move started by a form sent from a page loaded the day before greets on the next page load.
PENDING_SESSION_KEY = "fields.welcome_pending"


class PlannedMoveMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        is_page = request.method == "GET" and _is_page(request)
        # ``next_move_on`` comes with the user row: no query on any other day. A script's
        # background request (a badge poll) leaves the move to the next page load or form.
        if (
            user.next_move_on is not None
            and user.next_move_on <= timezone.localdate()
            and (is_page or request.method != "GET")
        ):
            started = account_services.start_planned_moves(user)
            user.refresh_from_db()
            if started is not None:
                request.session[PENDING_SESSION_KEY] = started.pk
        if is_page and PENDING_SESSION_KEY in request.session:
            started = (
                Assignment.objects.filter(pk=request.session.pop(PENDING_SESSION_KEY), user=user)
                .select_related("field")
                .first()
            )
            if started is not None:
                request.session[WELCOME_SESSION_KEY] = started.pk
                if started.field_id is not None:
                    return redirect(started.field.get_absolute_url())
                return redirect(reverse("fields:for_department"))
        return self.get_response(request)


def _is_page(request) -> bool:
    """A page load in a browser, not a script's fetch or an event stream."""
    if request.headers.get("X-Requested-With") or request.path.startswith(("/ws/", "/static/")):
        return False
    if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
        return False
    accept = request.headers.get("Accept", "")
    return not accept or "text/html" in accept or accept == "*/*"
