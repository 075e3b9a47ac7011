"""Hostile parameters never cause a server error, on any URL or socket route.

Every URL pattern of the site is requested (GET and POST) with every parameter name the site
reads set to hostile values from a table, by a visitor and by a member who moderates
everything; path arguments get real ids and absurd ones. Socket routes and the event stream
get the same table. The answer may be a 200, a redirect, a 400, 403 or 404, never a 5xx.

The values fall into classes by the way they break a parser (``VALUE_CLASSES``): a route gets
one request per class, method and role, its parameters spread over the class's values (the
first parameter name gets one value, the next the following one, shifted per route and role),
so every class reaches every route and every value reaches every parameter name somewhere in
the walk: about 6,900 requests instead of 12,400 for one value per request. The objects
the paths name are made once for the module (inside a transaction rolled back at its end), each
route is one test for both roles, and a method the route refuses (405, decided before any
parameter is read) is not walked further. Every control character is also checked against
``ParameterGuardMiddleware``, which refuses it before any view runs.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from core.params import parse_cursor, parse_id, parse_int, parse_moment
from forums.models import Membership
from notifications.models import Notification
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic

CONTROL_VALUES = ("\x00", "a\x00b", "\x1b[31m")
INVALID_UTF8 = "%FF%FE"  # percent-encoded invalid UTF-8 in a query, raw bytes in a form

VALUE_CLASSES = {
    # int() refuses them: "²" passes str.isdigit(), the others look like numbers or paths.
    "not a number": ("²", "1e9", "<script>alert(1)</script>", "../../etc/passwd"),
    # int() accepts them although they are not plain ASCII digits.
    "loose digits": ("٣", "1_000", " 7"),
    "negative": ("-1",),
    "beyond any integer column": ("9" * 40,),
    "impossible moment": ("2026-13-45T99:99:99_1", "2026-02-30T10:00:00+09:00_5"),
    "control characters": CONTROL_VALUES,
    "invalid UTF-8": (INVALID_UTF8,),
    "10,000 characters": ("x" * 10_000,),
    "empty": ("",),
}
HOSTILE_VALUES = [value for values in VALUE_CLASSES.values() for value in values]

# Every name a view, form or script of the site reads from a query string or a form.
PARAMETER_NAMES = [
    *("page", "after", "since", "quote", "q", "department", "title", "board", "filter", "sort"),
    *("next", "municipality", "author", "date_from", "date_to", "solved", "post", "target"),
    *("level", "watch", "language", "membership", "role", "locked", "pinned", "body", "reason"),
    *("message", "email", "password", "login", "remember", "tags", "reply_to", "preview"),
    *("submission_token", "full_name", "display_name", "position", "join_policy", "slug"),
    *("name_ja", "name_en", "description_ja", "description_en", "field", "note", "kind"),
]

SKIPPED_PREFIXES = ("admin/",)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


ROUTES = [
    route
    for route in dict.fromkeys(_walk(get_resolver().url_patterns))
    if not route.startswith(SKIPPED_PREFIXES)
]


def _make_world(board) -> dict:
    moderator = UserFactory(is_site_moderator=True)
    MembershipFactory(board=board, user=moderator, role=Membership.Role.MODERATOR)
    author = MembershipFactory(board=board).user
    topic = make_topic(author, board)
    post = make_reply(author, topic)
    MembershipFactory(board=board, state=Membership.State.PENDING)
    notification = Notification.objects.filter(recipient=author).first()
    return {
        "moderator": moderator,
        "pk": author.pk,
        "user_id": author.pk,
        "topic_id": topic.pk,
        "post_id": post.pk,
        "membership_id": Membership.objects.filter(board=board).last().pk,
        "notification_id": notification.pk if notification else 1,
        "slug": board.slug,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Made once for the module's walk; each test runs in a savepoint inside this transaction,
    which is rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world(BoardFactory(slug="hostile-walk", name_ja="予防接種"))
        transaction.set_rollback(True)


def _fill(route: str, world: dict, absurd: bool) -> str:
    """A concrete path for a route: real objects, or ids far beyond any table."""
    import re

    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int":
            return "9" * 30 if absurd else str(world.get(name, 1))
        if converter == "slug":
            return "no-such-board" if absurd else world["slug"]
        return "x%00y" if absurd else "token"

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    # allauth's regular-expression routes
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", "abc", path).replace("^", "").replace("$", "")
    return "/" + path


def _assert_no_server_error(response, method, path, value):
    assert response.status_code < 500, f"{method} {path[:120]} with {value[:40]!r}"


# Event streams read the database outside the request's thread (they never hold a pooled
# connection while they wait), which a test transaction cannot share: they are walked with real
# commits in test_hostile_socket_parameters.py.
STREAM_ROUTES = [route for route in ROUTES if route.endswith("events/stream/")]
ROLES = ("visitor", "moderator")


WALKED_ROUTES = [route for route in ROUTES if route not in STREAM_ROUTES]


@pytest.mark.parametrize("route", WALKED_ROUTES)
def test_no_url_answers_5xx_to_hostile_parameters(route, world, db):
    for shift, role in enumerate(ROLES):
        _walk_parameters(route, role, world, shift=WALKED_ROUTES.index(route) + shift)


def _spread(values, shift: int) -> dict[str, str]:
    """Every parameter name set to one of ``values``, the next name to the next value."""
    return {
        name: values[(index + shift) % len(values)] for index, name in enumerate(PARAMETER_NAMES)
    }


def _walk_parameters(route, role, world, shift=0):
    client = Client(raise_request_exception=False)
    if role == "moderator":
        client.force_login(world["moderator"])
    walks = {_fill(route, world, absurd=False): VALUE_CLASSES}
    # Ids and slugs that name nothing are the hostile part there: two classes are enough (a
    # route without path arguments has no such path).
    walks.setdefault(_fill(route, world, absurd=True), {"plain": ("7",), "other": ("²",)})
    for path, classes in walks.items():
        for method in (client.get, client.post):
            plain = method(path)
            _assert_no_server_error(plain, method.__name__, path, "")
            if plain.status_code == 405:
                continue  # refused before any parameter is read
            for values in classes.values():
                if values == (INVALID_UTF8,):
                    response = _send_invalid_utf8(client, method, path)
                else:
                    response = method(path, _spread(values, shift))
                _assert_no_server_error(response, method.__name__, path, values[0])


def _send_invalid_utf8(client, method, path):
    if method == client.get:
        query = "&".join(f"{name}={INVALID_UTF8}" for name in PARAMETER_NAMES)
        return client.get(f"{path}?{query}")
    body = b"&".join(name.encode() + b"=\xff\xfe" for name in PARAMETER_NAMES)
    return client.post(path, body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("value", CONTROL_VALUES)
def test_control_characters_are_refused_before_any_view(value, world, db):
    client = Client()
    client.force_login(world["moderator"])
    data = dict.fromkeys(PARAMETER_NAMES, value)
    assert client.get("/boards/", data).status_code == 400
    assert client.post("/boards/", data).status_code == 400
    assert Client().get("/municipalities/search/", data).status_code == 400


def test_control_characters_are_refused_with_the_sites_own_page(member, login):
    response = login(member).get("/for-your-department/", {"department": "福祉\x00課"})
    assert response.status_code == 400
    assert "リクエストを処理できません" in response.content.decode()


def test_line_breaks_in_a_form_are_kept(member, login, board):
    client = login(member)
    response = client.post(
        f"/boards/{board.slug}/new/",
        {"title": "接種券の再発行", "body": "一行目\r\n\t二行目", "submission_token": "t" * 20},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "text",
    ["²", "٣", "1_000", "９", "-1", "+1", " 1", "1 ", "", "9" * 20, "0x10", "1.0", "1e3"],
)
def test_parse_int_accepts_ascii_digits_only(text):
    assert parse_int(text) is None


def test_parse_int_bounds():
    assert parse_int("42") == 42
    assert parse_int("0") == 0
    assert parse_id("0") is None
    assert parse_int("5", maximum=4) is None
    assert parse_int(str(2**63)) is None


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-45T99:99:99",
        "2026-02-30T10:00",
        "２０２６-01-01T00:00",
        "tomorrow",
        "x" * 100,
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59-12:00",
    ],
)
def test_parse_moment_refuses_impossible_dates(text):
    assert parse_moment(text) is None


def test_cursors_round_trip_and_refuse_garbage():
    assert parse_cursor("2026-04-01T09:00:00+09:00_12")[1] == 12
    assert parse_cursor("2026-04-01T09:00:00 09:00_12")[1] == 12  # an unencoded "+"
    for garbage in ("2026-13-45T99:99:99_1", "2026-04-01T09:00:00+09:00_²", "_", "1_2_3"):
        assert parse_cursor(garbage) is None
