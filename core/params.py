"""Strict parsing of the values that arrive in query strings, forms and socket URLs.

Python's own parsers are generous in ways that turn a crafted value into a 500: ``str.isdigit()``
accepts "²" that ``int()`` then refuses, ``int()`` accepts "٣" and "1_000", a ten-thousand-digit
number overflows a database column, and ``parse_datetime`` raises on "2026-13-45T99:99:99".
Everything here accepts ASCII digits only, within bounds, and answers ``None`` for anything else,
so that a view chooses the default or a 400 itself. :class:`ParameterGuardMiddleware` refuses
control characters (NUL above all: PostgreSQL cannot store it) before any view runs, and ids in
the path beyond any table.
"""

import re
from datetime import datetime

from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# The largest id any of our tables hands out (bigint), and far above any page or sequence.
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Text fields may hold line breaks and tabs; nothing else below the space.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CURSOR_LENGTH = 80


def parse_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """A whole number written with ASCII digits only, between the bounds; otherwise None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """A database id: a positive whole number."""
    return parse_int(value, minimum=1)


MIN_YEAR, MAX_YEAR = 1900, 9000


def parse_moment(value: str) -> datetime | None:
    """An ISO 8601 date and time that exists (aware, in the site's zone when none is given)."""
    if not isinstance(value, str) or not value or len(value) > 40 or not value.isascii():
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        return None
    # Years at the ends of the calendar overflow as soon as a zone is applied (0001-01-01 in
    # UTC is the year 0 in Tokyo): nothing on the site is dated there.
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_cursor(value: str) -> tuple[datetime, int] | None:
    """A keyset cursor ``<ISO moment>_<id>`` as written by :func:`format_cursor`."""
    if not isinstance(value, str) or not value or len(value) > MAX_CURSOR_LENGTH:
        return None
    # A "+" of the time zone offset arrives as a space when a link was not URL-encoded.
    moment_text, _sep, id_text = value.replace(" ", "+").rpartition("_")
    moment = parse_moment(moment_text)
    number = parse_id(id_text)
    if moment is None or number is None:
        return None
    return moment, number


def format_cursor(moment: datetime, object_id: int) -> str:
    return f"{moment.isoformat()}_{object_id}"


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    return bool((_CONTROL_IN_TEXT if multiline else _CONTROL).search(value))


def clean_text(value: str, *, max_length: int) -> str:
    """A one-line text parameter (a search box, a filter): trimmed and cut to length.

    Control characters were already refused by the middleware; refusing again here keeps the
    function safe for socket parameters, which no middleware sees."""
    if has_control_characters(value):
        raise BadRequest("Control characters in a parameter.")
    return value.strip()[:max_length]


class ParameterGuardMiddleware:
    """Refuse a request whose query string or form fields hold control characters (400).

    Query-string values are single-line; form fields may contain line breaks and tabs (text
    areas) but no other control character. Files are not looked at here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request):
            raise BadRequest("Control characters in a parameter.")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """An id in the path beyond any table (``<int:…>`` takes any number of digits) names
        nothing: a 404 before the database is asked to compare it with a bigint column."""
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and parse_int(value) is None:
                raise Http404
        return None

    @staticmethod
    def _refused(request) -> bool:
        for key, values in request.GET.lists():
            if has_control_characters(key) or any(has_control_characters(v) for v in values):
                return True
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            for key, values in request.POST.lists():
                if has_control_characters(key) or any(
                    has_control_characters(v, multiline=True) for v in values
                ):
                    return True
        return False
