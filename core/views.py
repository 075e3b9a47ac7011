"""Running a service from a view: a refusal or invalid input becomes a message for the user (or
an error on the form they filled in, which keeps what they typed), never an error page."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


@dataclass(frozen=True)
class Outcome:
    """What ``run_service`` did: true when the service succeeded, with what it returned."""

    ok: bool
    value: Any = None

    def __bool__(self) -> bool:
        return self.ok


def error_text(error: Exception) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


def run_service(
    request, action, success: str = "", *, form=None, refusal_is_403: bool = False
) -> Outcome:
    """Call ``action()`` (a service call). A ``ValidationError`` it raises is shown on ``form``
    (as a form error, so the page re-renders with the input) when one is given, else as an
    error message; so is a ``PermissionDenied``, unless ``refusal_is_403`` lets it through to
    the 403 page. ``success`` is the message shown when it worked."""
    shown = ValidationError if refusal_is_403 else (PermissionDenied, ValidationError)
    try:
        value = action()
    except shown as error:
        if form is not None and isinstance(error, ValidationError):
            form.add_error(None, error)
        else:
            messages.error(request, error_text(error))
        return Outcome(ok=False)
    if success:
        messages.success(request, success)
    return Outcome(ok=True, value=value)


def query_without_page(request) -> str:
    """The page's query string without ``page``, for the links of ``includes/pagination.html``
    (``{% include "includes/pagination.html" with query=page_query %}``)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
