"""Which language a person reads the site in, for pages and for live events alike.

Japanese unless the person chose otherwise: the language saved in their profile, then the
language cookie, then the site's default. The browser's Accept-Language is not asked: on a
shared work PC or a screen-transfer browser it is often English even for Japanese staff.

A live event carries HTML with words in it (a post's "Quote" and "Helpful", a reply count, a
table's summary), so it is rendered once in each of the site's languages when it is sent
(``in_each_language``), and every socket and stream sends its reader the one in their language.
"""

from django.conf import settings
from django.utils import translation


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def chosen_language(user, cookies) -> str:
    """The language of ``user`` (signed in or not) with these cookies."""
    preferred = getattr(user, "language", "") if user and user.is_authenticated else ""
    cookie = cookies.get(settings.LANGUAGE_COOKIE_NAME, "") if cookies else ""
    supported = codes()
    for candidate in (preferred, cookie):
        if candidate in supported:
            return candidate
    return settings.LANGUAGE_CODE


def call_in(language: str, function, *args):
    """``function(*args)`` with ``language`` active (for work done outside a request)."""
    with translation.override(language):
        return function(*args)


def in_each_language(render) -> dict[str, dict]:
    """``render()`` (an event with its HTML) once in each of the site's languages."""
    return {code: call_in(code, render) for code in codes()}
