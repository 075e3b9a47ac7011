"""Hostile parameters on live routes: WebSockets and event streams never fail on them.

The same table of hostile values as ``test_hostile_parameters``. Sockets and streams read the
database in other threads, so these tests need real commits: one test per kind of route, walking
every value, so that the database is emptied once rather than once a value.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient

from onlinecityhall.routing import websocket_urlpatterns
from tests.factories import MembershipFactory, make_topic
from tests.foundation.test_hostile_parameters import (
    HOSTILE_VALUES,
    ROLES,
    STREAM_ROUTES,
    _make_world,
    _walk_parameters,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stream_world(board):
    return _make_world(board)


def test_no_event_stream_answers_5xx_to_hostile_parameters(stream_world):
    assert STREAM_ROUTES
    for route in STREAM_ROUTES:
        for role in ROLES:
            _walk_parameters(route, role, stream_world)


@pytest.mark.asyncio
async def test_socket_routes_survive_hostile_parameters():
    membership = await sync_to_async(MembershipFactory)()
    member, board = membership.user, membership.board
    topic = await sync_to_async(make_topic)(member, board)
    router = URLRouter(websocket_urlpatterns)
    for value in HOSTILE_VALUES:
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
                # Still alive after its catch-up: it takes a message, then a disconnect, and
                # disconnect() raises what the consumer raised if it failed.
                await socket.send_json_to({"hello": value[:20]})
                await socket.receive_nothing(timeout=0.02)
            await socket.disconnect()


@pytest.mark.asyncio
async def test_the_event_stream_survives_hostile_parameters():
    membership = await sync_to_async(MembershipFactory)()
    topic = await sync_to_async(make_topic)(membership.user, membership.board)
    client = AsyncClient(raise_request_exception=False)
    await client.aforce_login(membership.user)
    for value in [v for v in HOSTILE_VALUES if "\x00" not in v and v]:
        header = value if value.isascii() and value.isprintable() else "1"
        response = await client.get(
            f"/topics/{topic.pk}/events/stream/",
            {"since": value, "after": value},
            headers={"Last-Event-ID": header},
        )
        assert response.status_code < 500, repr(value)
        if response.status_code == 200:
            chunks = aiter(response.streaming_content)
            first = await anext(chunks)
            assert first
            await chunks.aclose()
