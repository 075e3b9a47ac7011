"""Live conversations: events in sequence order, a gap filled from the database with nothing
lost and nothing twice, typing and read receipts, the event stream fallback, unread counts on
the member's own channel, and sockets that close when access ends."""

import json
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient, Client

from conversations import live, services
from conversations.consumers import ConversationConsumer, ConversationListConsumer
from forums.consumers import CLOSE_FORBIDDEN
from moderation.services import site as site_moderation
from tests.conversations.conftest import veteran

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def socket_for(user, conversation, query=""):
    communicator = WebsocketCommunicator(
        ConversationConsumer.as_asgi(), f"/ws/conversations/{conversation.pk}/?{query}"
    )
    communicator.scope["user"] = user
    communicator.scope["url_route"] = {"kwargs": {"conversation_id": conversation.pk}}
    communicator.scope["query_string"] = query.encode()
    return communicator


BACKGROUND = ("notification.count", "conversation.activity", "reads", "read")


async def next_event(socket, skip=BACKGROUND) -> dict:
    while True:
        event = await socket.receive_json_from(timeout=3)
        if event["type"] not in skip:
            return event


@pytest.fixture
def pair(db):
    asker = veteran(full_name="田中 太郎", display_name="田中")
    expert = veteran(full_name="佐藤 花子", display_name="佐藤")
    conversation = services.start_conversation(asker, [expert], "一通目")
    return asker, expert, conversation


send = sync_to_async(services.send_message)


async def test_messages_arrive_in_sequence_rendered_like_the_page(pair):
    asker, expert, conversation = pair
    socket = socket_for(expert, conversation, "since=1")
    assert (await socket.connect())[0]
    first = await send(asker, conversation, "二通目")
    second = await send(asker, conversation, "三通目")
    events = [await next_event(socket), await next_event(socket)]
    assert [(e["sequence"], e["message_id"]) for e in events] == [(2, first.pk), (3, second.pk)]
    assert "三通目" in events[1]["html"] and 'data-show-for="author" hidden' in events[1]["html"]
    await socket.disconnect()


async def test_a_page_that_missed_events_catches_up_without_loss_or_duplicates(pair):
    asker, expert, conversation = pair
    socket = socket_for(expert, conversation, "since=1")
    await socket.connect()
    # The channel layer drops the next two events (as a full channel would).
    with mock.patch.object(live.broadcast, "send"):
        await send(asker, conversation, "落ちた二通目")
        await send(asker, conversation, "落ちた三通目")
    fourth = await send(asker, conversation, "届いた四通目")
    event = await next_event(socket)
    assert event["sequence"] == 4  # the page sees a gap after 1 and asks over HTTP
    client = Client()
    await sync_to_async(client.force_login)(expert)
    response = await sync_to_async(client.get)(f"/conversations/{conversation.pk}/events/?since=1")
    data = response.json()
    assert [e["sequence"] for e in data["events"]] == [2, 3, 4]
    assert [e["number"] for e in data["events"]] == [2, 3, 4]
    assert data["events"][2]["message_id"] == fourth.pk and data["sequence"] == 4
    # Reconnecting with the last sequence replays exactly what is missing.
    await socket.disconnect()
    again = socket_for(expert, conversation, "since=2")
    await again.connect()
    replayed = [await next_event(again), await next_event(again)]
    assert [e["sequence"] for e in replayed] == [3, 4]
    await again.disconnect()


async def test_bad_catch_up_parameters_are_a_400(pair):
    _asker, expert, conversation = pair
    client = Client()
    await sync_to_async(client.force_login)(expert)
    for bad in ("abc", "-1", "１", "9" * 30):
        response = await sync_to_async(client.get)(
            f"/conversations/{conversation.pk}/events/?since={bad}"
        )
        assert response.status_code == 400, bad


async def test_typing_and_read_receipts_reach_the_others(pair):
    asker, expert, conversation = pair
    watcher = socket_for(asker, conversation, "since=1")
    typist = socket_for(expert, conversation, "since=1")
    await watcher.connect()
    await typist.connect()
    await typist.send_json_to({"type": "typing"})
    event = await next_event(watcher, skip=("notification.count", "reads"))
    assert event == {
        "type": "typing",
        "conversation_id": conversation.pk,
        "sequence": None,
        "user_id": expert.pk,
        "name": "佐藤 花子",
    }
    await typist.send_json_to({"type": "read", "number": 1})
    event = await next_event(
        watcher, skip=("notification.count", "conversation.activity", "typing")
    )
    assert (event["type"], event["user_id"], event["number"]) == ("read", expert.pk, 1)
    await watcher.disconnect()
    await typist.disconnect()


async def test_typing_is_passed_on_at_most_every_few_seconds(pair):
    asker, expert, conversation = pair
    watcher = socket_for(asker, conversation, "since=1")
    typist = socket_for(expert, conversation, "since=1")
    await watcher.connect()
    await typist.connect()
    for _ in range(5):
        await typist.send_json_to({"type": "typing"})
    kinds = []
    while not await watcher.receive_nothing(timeout=0.5):
        kinds.append((await watcher.receive_json_from())["type"])
    assert kinds.count("typing") == 1
    await watcher.disconnect()
    await typist.disconnect()


async def test_a_new_message_carries_its_authors_read_receipt(pair):
    asker, expert, conversation = pair
    watcher = socket_for(asker, conversation, "since=1")
    await watcher.connect()
    await send(expert, conversation, "二通目")
    event = await next_event(watcher)
    assert event["type"] == "message.created"
    assert event["read"] == {"user_id": expert.pk, "name": "佐藤 花子", "number": 2}
    await sync_to_async(services.save_contact_settings)(expert, read_receipts=False)
    await send(expert, conversation, "三通目")
    event = await next_event(watcher)
    assert event["sequence"] == 3 and "read" not in event
    await watcher.disconnect()


async def test_a_conversation_socket_carries_only_the_conversation(pair):
    """The member's own counts go to the header's socket (/ws/me/), not to this page."""
    asker, expert, conversation = pair
    watcher = socket_for(expert, conversation, "since=1")
    await watcher.connect()
    assert (await watcher.receive_json_from())["type"] == "reads"  # after the catch-up
    await send(asker, conversation, "二通目")
    kinds = []
    while not await watcher.receive_nothing(timeout=0.5):
        kinds.append((await watcher.receive_json_from())["type"])
    assert kinds == ["message.created"]
    await watcher.disconnect()


async def test_read_receipts_can_be_turned_off(pair):
    asker, expert, conversation = pair
    await sync_to_async(services.save_contact_settings)(expert, read_receipts=False)
    watcher = socket_for(asker, conversation, "since=1")
    await watcher.connect()
    client = Client()
    await sync_to_async(client.force_login)(expert)
    await sync_to_async(client.get)(f"/conversations/{conversation.pk}/")
    while not await watcher.receive_nothing(timeout=0.3):
        event = await watcher.receive_json_from()
        assert event["type"] != "read"
    asker_client = Client()
    await sync_to_async(asker_client.force_login)(asker)
    html = (await sync_to_async(asker_client.get)(f"/conversations/{conversation.pk}/")).content
    assert "data-reader" not in html.decode()
    await watcher.disconnect()


async def test_the_conversations_page_hears_new_unread_counts(pair):
    asker, expert, conversation = pair
    socket = WebsocketCommunicator(ConversationListConsumer.as_asgi(), "/ws/conversations/")
    socket.scope["user"] = expert
    assert (await socket.connect())[0]
    await send(asker, conversation, "未読になる")
    event = await next_event(socket, skip=("notification.count",))
    assert event == {
        "type": "conversation.activity",
        "conversation_id": conversation.pk,
        "unread": 2,
        "unread_conversations": 1,
    }
    await socket.disconnect()


async def close_code(socket) -> int:
    """Read past live events until the server closes the socket."""
    while True:
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return output["code"]


async def test_leaving_removal_and_suspension_close_open_sockets(pair):
    asker, expert, conversation = pair
    third = await sync_to_async(veteran)()
    await sync_to_async(services.add_participants)(asker, conversation, [third])
    moderator = await sync_to_async(veteran)(is_site_moderator=True)
    sockets = {}
    for user in (expert, third, asker):
        sockets[user.pk] = socket_for(user, conversation, "since=99")
        assert (await sockets[user.pk].connect())[0]
    await sync_to_async(services.remove_participant)(asker, conversation, third)
    assert await close_code(sockets[third.pk]) == CLOSE_FORBIDDEN
    await sync_to_async(services.leave_conversation)(expert, conversation)
    assert await close_code(sockets[expert.pk]) == CLOSE_FORBIDDEN
    await sync_to_async(site_moderation.suspend_member)(moderator, asker, "規約違反")
    assert await close_code(sockets[asker.pk]) == CLOSE_FORBIDDEN


async def read_stream_event(chunks) -> dict:
    """The next recorded event of the stream (past comments, read receipts and counts)."""
    async for chunk in chunks:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        for line in text.splitlines():
            if line.startswith("data: "):
                event = json.loads(line[len("data: ") :])
                if event["type"] not in BACKGROUND:
                    return event
    raise AssertionError("the stream ended")


async def test_the_event_stream_replays_then_streams_and_refuses_outsiders(pair):
    asker, expert, conversation = pair
    await send(asker, conversation, "見逃した")
    client = AsyncClient()
    await client.aforce_login(expert)
    response = await client.get(
        f"/conversations/{conversation.pk}/events/stream/", headers={"Last-Event-ID": "1"}
    )
    chunks = aiter(response.streaming_content)
    assert (await read_stream_event(chunks))["sequence"] == 2
    await send(asker, conversation, "今届く")
    assert (await read_stream_event(chunks))["sequence"] == 3
    await chunks.aclose()
    outsider = await sync_to_async(veteran)()
    other = AsyncClient()
    await other.aforce_login(outsider)
    response = await other.get(f"/conversations/{conversation.pk}/events/stream/?since=0")
    assert response.status_code == 404


async def test_a_reconnecting_page_gets_the_read_receipts_as_they_are_now(pair):
    asker, expert, conversation = pair
    await send(asker, conversation, "二通目")
    seat = await sync_to_async(conversation.participants.get)(user=expert)
    await sync_to_async(seat.conversation.refresh_from_db)()
    await sync_to_async(services.mark_read)(expert, seat, 2)
    socket = socket_for(asker, conversation, "since=2")
    assert (await socket.connect())[0]
    event = await next_event(socket, skip=("notification.count", "conversation.activity"))
    assert event["type"] == "reads"
    assert event["reads"] == [{"user_id": expert.pk, "name": "佐藤 花子", "number": 2}]
    await socket.disconnect()


async def test_a_conversation_id_longer_than_any_is_refused(pair):
    asker, _expert, conversation = pair
    socket = socket_for(asker, conversation)
    socket.scope["url_route"] = {"kwargs": {"conversation_id": "9" * 30}}
    connected, code = await socket.connect()
    assert not connected and code == CLOSE_FORBIDDEN
