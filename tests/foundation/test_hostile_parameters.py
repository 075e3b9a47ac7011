"""Hostile parameters never cause a server error, on any URL or socket route.

Every URL pattern of the site is requested (GET and POST) with every parameter name the site
reads set to each value of a table of hostile values, by a visitor and by a member who moderates
everything; path arguments get real ids and absurd ones. Socket routes and the event stream get
the same table. The answer may be a 200, a redirect, a 400, 403 or 404, never a 5xx.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient, Client
from django.urls import URLPattern, URLResolver, get_resolver

from core.params import parse_cursor, parse_id, parse_int, parse_moment
from forums.models import Membership
from notifications.models import Notification
from onlinecityhall.routing import websocket_urlpatterns
from tests.factories import MembershipFactory, UserFactory, make_reply, make_topic

HOSTILE_VALUES = [
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # int() accepts Arabic-Indic digits
    "1_000",
    "9" * 40,  # beyond any integer column
    "-1",
    " 7",
    "1e9",
    "2026-13-45T99:99:99_1",
    "2026-02-30T10:00:00+09:00_5",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "%FF%FE",  # percent-encoded invalid UTF-8, sent raw below
    "x" * 10_000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "",
]

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


@pytest.fixture
def world(db, board):
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
# connection while they wait), which a test transaction cannot share: they get real commits.
STREAM_ROUTES = [route for route in ROUTES if route.endswith("events/stream/")]


@pytest.mark.parametrize("role", ["visitor", "moderator"])
@pytest.mark.parametrize("route", [route for route in ROUTES if route not in STREAM_ROUTES])
def test_no_url_answers_5xx_to_hostile_parameters(route, role, world):
    _walk_parameters(route, role, world)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["visitor", "moderator"])
@pytest.mark.parametrize("route", STREAM_ROUTES)
def test_no_event_stream_answers_5xx_to_hostile_parameters(route, role, world):
    _walk_parameters(route, role, world)


def _walk_parameters(route, role, world):
    client = Client(raise_request_exception=False)
    if role == "moderator":
        client.force_login(world["moderator"])
    for absurd in (False, True):
        path = _fill(route, world, absurd)
        # Absurd paths are the hostile part there: two values are enough.
        for value in HOSTILE_VALUES if not absurd else ["7", "²"]:
            if value.startswith("%"):
                query = "&".join(f"{name}={value}" for name in PARAMETER_NAMES)
                response = client.get(f"{path}?{query}")
                _assert_no_server_error(response, "GET", path, value)
                continue
            data = dict.fromkeys(PARAMETER_NAMES, value)
            response = client.get(path, data)
            _assert_no_server_error(response, "GET", path, value)
            response = client.post(path, data)
            _assert_no_server_error(response, "POST", path, value)


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


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("value", HOSTILE_VALUES)
async def test_socket_routes_survive_hostile_parameters(value):
    board = await sync_to_async(MembershipFactory)()
    member, board = board.user, board.board
    topic = await sync_to_async(make_topic)(member, board)
    router = URLRouter(websocket_urlpatterns)
    query = f"since={value}&after={value}".encode("utf-8", errors="replace")
    if value.startswith("%"):
        query = b"since=\xff\xfe&after=\xff"  # raw invalid UTF-8
    for path in (
        f"/ws/topics/{topic.pk}/",
        f"/ws/topics/{'9' * 30}/",
        f"/ws/boards/{board.slug}/",
        "/ws/boards/no-such-board/",
        "/ws/me/",
    ):
        socket = WebsocketCommunicator(router, path)
        socket.scope["user"] = member
        socket.scope["query_string"] = query
        connected, _code = await socket.connect(timeout=3)
        if connected:
            # Still alive after its catch-up: it answers a disconnect cleanly.
            await socket.send_json_to({"hello": value[:20]})
            assert await socket.receive_nothing(timeout=0.2) in (True, False)
        await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("value", [v for v in HOSTILE_VALUES if "\x00" not in v and v])
async def test_the_event_stream_survives_hostile_parameters(value):
    membership = await sync_to_async(MembershipFactory)()
    topic = await sync_to_async(make_topic)(membership.user, membership.board)
    client = AsyncClient(raise_request_exception=False)
    await client.aforce_login(membership.user)
    header = value if value.isascii() and value.isprintable() else "1"
    response = await client.get(
        f"/topics/{topic.pk}/events/stream/",
        {"since": value, "after": value},
        headers={"Last-Event-ID": header},
    )
    assert response.status_code < 500
    if response.status_code == 200:
        chunks = aiter(response.streaming_content)
        first = await anext(chunks)
        assert first
        await chunks.aclose()


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
    ["2026-13-45T99:99:99", "2026-02-30T10:00", "２０２６-01-01T00:00", "tomorrow", "x" * 100],
)
def test_parse_moment_refuses_impossible_dates(text):
    assert parse_moment(text) is None


def test_cursors_round_trip_and_refuse_garbage():
    assert parse_cursor("2026-04-01T09:00:00+09:00_12")[1] == 12
    assert parse_cursor("2026-04-01T09:00:00 09:00_12")[1] == 12  # an unencoded "+"
    for garbage in ("2026-13-45T99:99:99_1", "2026-04-01T09:00:00+09:00_²", "_", "1_2_3"):
        assert parse_cursor(garbage) is None
