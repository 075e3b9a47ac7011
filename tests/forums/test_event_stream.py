"""Server-sent events: the same catch-up and live events as the socket, over plain HTTP."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from forums import services
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_topic

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def next_event(chunks) -> dict:
    """The next ``data:`` line of the stream, skipping comments and retry hints."""
    async for chunk in chunks:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        for line in text.splitlines():
            if line.startswith("data: "):
                return json.loads(line[len("data: ") :])
    raise AssertionError("the stream ended")


async def signed_in_client(user) -> AsyncClient:
    client = AsyncClient()
    await client.aforce_login(user)
    return client


async def test_the_stream_replays_missed_events_then_sends_live_ones():
    board = await sync_to_async(BoardFactory)()
    asker = (await sync_to_async(MembershipFactory)(board=board)).user
    answerer = (await sync_to_async(MembershipFactory)(board=board)).user
    topic = await sync_to_async(make_topic)(asker, board)
    missed = await sync_to_async(services.post_reply)(answerer, topic, "見逃した返信")
    client = await signed_in_client(asker)
    response = await client.get(f"/topics/{topic.pk}/events/stream/?since=0")
    assert response["Content-Type"].startswith("text/event-stream")
    chunks = aiter(response.streaming_content)
    replayed = await next_event(chunks)
    assert (replayed["post_id"], replayed["sequence"]) == (missed.pk, 1)
    live = await sync_to_async(services.post_reply)(answerer, topic, "今届く返信")
    arrived = await next_event(chunks)
    assert (arrived["post_id"], arrived["sequence"]) == (live.pk, 2)
    await chunks.aclose()


async def test_the_stream_resumes_from_last_event_id():
    board = await sync_to_async(BoardFactory)()
    asker = (await sync_to_async(MembershipFactory)(board=board)).user
    topic = await sync_to_async(make_topic)(asker, board)
    await sync_to_async(services.post_reply)(asker, topic, "一件目")
    second = await sync_to_async(services.post_reply)(asker, topic, "二件目")
    client = await signed_in_client(asker)
    response = await client.get(
        f"/topics/{topic.pk}/events/stream/", headers={"Last-Event-ID": "1"}
    )
    chunks = aiter(response.streaming_content)
    assert (await next_event(chunks))["post_id"] == second.pk
    await chunks.aclose()


async def test_the_stream_is_refused_to_non_members_of_an_invite_board():
    board = await sync_to_async(BoardFactory)(join_policy="invite")
    asker = (await sync_to_async(MembershipFactory)(board=board)).user
    topic = await sync_to_async(make_topic)(asker, board)
    outsider = await sync_to_async(UserFactory)()
    client = await signed_in_client(outsider)
    response = await client.get(f"/topics/{topic.pk}/events/stream/")
    assert response.status_code == 404


async def test_the_stream_ends_when_the_server_is_asked_to_stop(monkeypatch):
    from core import streams

    monkeypatch.setattr(streams, "_stop_requested", False)  # for the tests after this one
    board = await sync_to_async(BoardFactory)()
    asker = (await sync_to_async(MembershipFactory)(board=board)).user
    topic = await sync_to_async(make_topic)(asker, board)
    client = await signed_in_client(asker)
    response = await client.get(f"/topics/{topic.pk}/events/stream/?since=0")
    chunks = aiter(response.streaming_content)
    assert (await anext(chunks)).startswith(b":")  # the padding: the stream is open
    streams.stop_streams()
    # The response ends (no heartbeat first), so the server's shutdown need not wait for it.
    # (The timeout only keeps a failure from running the stream's full four minutes.)
    rest = await asyncio.wait_for(_remaining(chunks), timeout=60)
    assert streams.HEARTBEAT.encode() not in b"".join(rest)


async def _remaining(chunks) -> list[bytes]:
    return [chunk async for chunk in chunks]
