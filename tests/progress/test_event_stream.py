"""Where a proxy refuses WebSockets: the same ordered events and catch-up as the socket, over
server-sent events (and polling the catch-up URL), for the board's members only."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient

from forums import services as forum_services
from forums.consumers import CLOSE_FORBIDDEN
from progress import live, services
from progress.consumers import TableConsumer
from progress.queries import columns_of
from tests.factories import BoardFactory, MembershipFactory, MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

save = sync_to_async(services.save_row)


@pytest.fixture
def scene(db):
    board = BoardFactory()
    sapporo = MunicipalityFactory(
        code="011002", prefecture="北海道", name="札幌市", kind="designated_city"
    )
    host = MembershipFactory(board=board).user
    other = MembershipFactory(board=board, user=UserFactory(municipality=sapporo)).user
    table = services.define_table(
        host, board, title="接種率", columns=[{"question": "接種率", "kind": "percentage"}]
    )
    return board, host, other, table


async def signed_in(user) -> AsyncClient:
    client = AsyncClient()
    if user is not None:
        await client.aforce_login(user)
    return client


async def next_event(chunks) -> dict:
    """The next ``data:`` line of the stream (comments, padding and retry hints skipped)."""
    async for chunk in chunks:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        for line in text.splitlines():
            if line.startswith("data: "):
                event = json.loads(line[len("data: ") :])
                if event["type"] != "notification.count":
                    return event
    raise AssertionError("the stream ended")


async def saves(table, user, *rates):
    """Save ``user``'s row once per rate, each based on the last version."""
    [column] = await sync_to_async(columns_of)(table)
    version = 0
    for rate in rates:
        row = await save(user, table, {column.key: rate}, version)
        version = row.version
    return row


async def test_the_stream_replays_what_was_missed_then_sends_live_saves(scene):
    _board, host, other, table = scene
    await saves(table, other, "10", "20")
    client = await signed_in(host)
    response = await client.get(f"/progress/{table.pk}/events/stream/?since=1")
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["X-Accel-Buffering"] == "no"
    chunks = aiter(response.streaming_content)
    replayed = await next_event(chunks)
    assert (replayed["type"], replayed["sequence"]) == ("row.saved", 2)
    assert "20%" in replayed["html"]
    await saves(table, host, "30")
    arrived = await next_event(chunks)
    assert (arrived["type"], arrived["sequence"]) == ("row.saved", 3)
    await chunks.aclose()


async def test_the_stream_resumes_from_the_last_event_id_without_repeating_it(scene):
    """EventSource reconnects with Last-Event-ID: what it applied is not sent again."""
    _board, host, other, table = scene
    await saves(table, other, "10", "20", "30")
    client = await signed_in(host)
    response = await client.get(
        f"/progress/{table.pk}/events/stream/", headers={"Last-Event-ID": "2"}
    )
    chunks = aiter(response.streaming_content)
    assert (await next_event(chunks))["sequence"] == 3
    await saves(table, host, "40")
    assert (await next_event(chunks))["sequence"] == 4  # not 3 again
    await chunks.aclose()


async def test_each_event_carries_its_sequence_as_the_event_id(scene):
    _board, host, other, table = scene
    await saves(table, other, "10")
    client = await signed_in(host)
    response = await client.get(f"/progress/{table.pk}/events/stream/?since=0")
    chunks = aiter(response.streaming_content)
    async for chunk in chunks:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        if "data: " in text:
            assert text.startswith("id: 1\n")
            break
    await chunks.aclose()


async def test_a_page_that_missed_too_much_is_told_to_reload(scene, monkeypatch):
    _board, host, other, table = scene
    monkeypatch.setattr(live, "CATCH_UP_LIMIT", 2)
    await saves(table, other, "10", "20", "30")
    client = await signed_in(host)
    response = await client.get(f"/progress/{table.pk}/events/stream/?since=0")
    chunks = aiter(response.streaming_content)
    assert (await next_event(chunks))["type"] == "reload"
    polled = await client.get(f"/progress/{table.pk}/events/?since=0")
    assert polled.json() == {"reload": True}


async def test_polling_the_catch_up_url_returns_each_event_once_in_order(scene):
    """The polling fallback asks from the last sequence it applied: nothing twice, no gap."""
    _board, host, other, table = scene
    client = await signed_in(host)
    await saves(table, other, "10", "20")
    first = (await client.get(f"/progress/{table.pk}/events/?since=0")).json()
    assert [event["sequence"] for event in first["events"]] == [1, 2]
    assert first["sequence"] == 2
    nothing_new = (await client.get(f"/progress/{table.pk}/events/?since=2")).json()
    assert nothing_new["events"] == []
    await saves(table, host, "30")
    later = (await client.get(f"/progress/{table.pk}/events/?since=2")).json()
    assert [event["sequence"] for event in later["events"]] == [3]
    # Only the last row event carries the summary and charts (the same for all).
    assert "summary_html" in later["events"][-1]
    assert "summary_html" not in first["events"][0]


async def test_the_stream_ends_when_the_member_leaves_the_board(scene):
    board, host, other, table = scene
    client = await signed_in(other)
    response = await client.get(f"/progress/{table.pk}/events/stream/?since=0")
    chunks = aiter(response.streaming_content)
    await saves(table, host, "50")
    assert (await next_event(chunks))["sequence"] == 1  # subscribed while a member
    await sync_to_async(forum_services.leave_board)(other, board)
    assert (await next_event(chunks))["type"] == "access.revoked"
    with pytest.raises(StopAsyncIteration):
        await anext(chunks)


def _refused_people(board):
    from forums.models import Membership

    return [
        None,  # signed out
        UserFactory(),  # verified, not on the board (which is open: its topics are readable)
        MembershipFactory(board=board, state=Membership.State.PENDING).user,
        MembershipFactory(board=board, user=UserFactory(status="suspended")).user,
    ]


async def test_everyone_but_the_boards_members_is_refused_the_stream_and_the_socket(scene):
    board, _host, _other, table = scene
    for person in await sync_to_async(_refused_people)(board):
        client = await signed_in(person)
        stream = await client.get(f"/progress/{table.pk}/events/stream/?since=0")
        if person is not None and person.status == "suspended":
            # Sent to the page that says so, before any view.
            assert (stream.status_code, stream["Location"]) == (302, "/account/suspended/")
        else:
            assert stream.status_code == 404, person
        communicator = WebsocketCommunicator(
            TableConsumer.as_asgi(), f"/ws/progress/{table.pk}/?since=0"
        )
        communicator.scope["user"] = person
        communicator.scope["url_route"] = {"kwargs": {"table_id": table.pk}}
        connected, code = await communicator.connect()
        assert not connected and code == CLOSE_FORBIDDEN, person
    missing = await (await signed_in(None)).get("/progress/999999/events/stream/")
    assert missing.status_code == 404
