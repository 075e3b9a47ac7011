"""Every change that withdraws read access reaches the member's open sockets and streams.

For each change (board policy, topic move, merge, removal, ban, suspension, leaving, board
deletion) a reader has the topic open over a WebSocket, the board over a WebSocket and the
topic over server-sent events; after the change, each closes (or says ``access.revoked``) and
the next reply's HTML reaches none of them.
"""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient

from forums import services
from forums.consumers import CLOSE_FORBIDDEN, BoardConsumer, TopicConsumer
from forums.models import Board, Membership
from moderation.services import content as content_moderation
from moderation.services import membership as membership_moderation
from moderation.services import site as site_moderation
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_topic

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _scene(change: str) -> dict:
    """Boards, a topic and a reader who may read it until ``change`` happens."""
    site_moderator = UserFactory(is_site_moderator=True)
    invite = BoardFactory(join_policy=Board.JoinPolicy.INVITE)
    open_board = BoardFactory(join_policy=Board.JoinPolicy.OPEN)
    reader = UserFactory()
    author = UserFactory()
    reader_reads_as_member = change in {"removal", "ban", "leave", "suspension", "deletion"}
    board = invite if reader_reads_as_member else open_board
    MembershipFactory(board=invite, user=author)
    MembershipFactory(board=open_board, user=author)
    if reader_reads_as_member:
        MembershipFactory(board=invite, user=reader)
    topic = make_topic(author, board)
    target = make_topic(author, invite) if change == "merge" else None
    return {
        "moderator": site_moderator,
        "board": board,
        "invite": invite,
        "reader": reader,
        "author": author,
        "topic": topic,
        "target": target,
    }


def _withdraw(change: str, scene: dict) -> None:
    moderator, board, reader = scene["moderator"], scene["board"], scene["reader"]
    if change == "policy":
        content_moderation.update_board(moderator, board, join_policy=Board.JoinPolicy.INVITE)
    elif change == "move":
        content_moderation.move_topic(moderator, scene["topic"], scene["invite"], "整理")
    elif change == "merge":
        content_moderation.merge_topics(moderator, scene["topic"], scene["target"], "重複")
    elif change == "removal":
        membership = Membership.objects.get(board=board, user=reader)
        membership_moderation.remove_member(moderator, membership, "異動のため")
    elif change == "ban":
        membership_moderation.ban_member(moderator, board, reader, "規約違反")
    elif change == "suspension":
        site_moderation.suspend_member(moderator, reader, "規約違反")
    elif change == "leave":
        services.leave_board(reader, board)
    elif change == "deletion":
        Board.objects.get(pk=board.pk).delete()
    else:
        raise AssertionError(change)


def _reply_after(change: str, scene: dict) -> None:
    """The next reply where the reader's old page would have shown it."""
    if change == "deletion":
        return
    topic = scene["target"] if change == "merge" else scene["topic"]
    topic.refresh_from_db()
    services.post_reply(scene["author"], topic, "秘密の返信：非公開の内容")


def _socket(consumer, path: str, route: dict, user) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(consumer.as_asgi(), path)
    socket.scope["user"] = user
    socket.scope["url_route"] = {"kwargs": route}
    return socket


def _text(output: dict) -> str:
    """What a socket sent, with JSON's escapes undone."""
    text = output.get("text") or ""
    return json.dumps(json.loads(text), ensure_ascii=False) if text else ""


async def _closed_or_silent_about_secret(socket) -> None:
    """The socket closes with 4403 before anything carrying the secret reply."""
    while True:
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            assert output["code"] == CLOSE_FORBIDDEN
            return
        assert "秘密の返信" not in _text(output), "the reply leaked"


CHANGES = ["policy", "move", "merge", "removal", "ban", "suspension", "leave", "deletion"]


@pytest.mark.parametrize("change", CHANGES)
async def test_open_sockets_close_when_access_is_withdrawn(change):
    scene = await sync_to_async(_scene)(change)
    reader, topic, board = scene["reader"], scene["topic"], scene["board"]
    topic_socket = _socket(TopicConsumer, f"/ws/topics/{topic.pk}/", {"topic_id": topic.pk}, reader)
    board_socket = _socket(BoardConsumer, f"/ws/boards/{board.slug}/", {"slug": board.slug}, reader)
    assert (await topic_socket.connect())[0]
    assert (await board_socket.connect())[0]

    await sync_to_async(_withdraw)(change, scene)
    await sync_to_async(_reply_after)(change, scene)

    await _closed_or_silent_about_secret(topic_socket)
    if change != "move" and change != "merge":  # the board itself stays readable then
        await _closed_or_silent_about_secret(board_socket)
    await topic_socket.disconnect()
    await board_socket.disconnect()


async def _stream_lines(chunks):
    async for chunk in chunks:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        for line in text.splitlines():
            if line.startswith("data: "):
                yield json.loads(line[len("data: ") :])


@pytest.mark.parametrize("change", CHANGES)
async def test_open_event_streams_end_when_access_is_withdrawn(change):
    scene = await sync_to_async(_scene)(change)
    client = AsyncClient()
    await client.aforce_login(scene["reader"])
    response = await client.get(f"/topics/{scene['topic'].pk}/events/stream/?since=0")
    assert response.status_code == 200
    chunks = aiter(response.streaming_content)
    events = _stream_lines(chunks)
    # A reply while access lasts arrives: the stream is subscribed.
    await sync_to_async(services.post_reply)(scene["author"], scene["topic"], "公開の返信")
    assert "公開の返信" in (await anext(events))["html"]

    await sync_to_async(_withdraw)(change, scene)
    await sync_to_async(_reply_after)(change, scene)

    seen = []
    async for event in events:
        seen.append(event)
        assert "秘密の返信" not in json.dumps(event, ensure_ascii=False), "the reply leaked"
        if event["type"] == "access.revoked":
            break
    assert seen and seen[-1]["type"] == "access.revoked"
    await chunks.aclose()


async def test_a_topic_moved_to_a_board_the_reader_may_read_stays_live():
    scene = await sync_to_async(_scene)("move")
    other_open = await sync_to_async(BoardFactory)(join_policy=Board.JoinPolicy.OPEN)
    await sync_to_async(MembershipFactory)(board=other_open, user=scene["author"])
    reader, topic = scene["reader"], scene["topic"]
    socket = _socket(TopicConsumer, f"/ws/topics/{topic.pk}/", {"topic_id": topic.pk}, reader)
    assert (await socket.connect())[0]
    await sync_to_async(content_moderation.move_topic)(scene["moderator"], topic, other_open)
    await sync_to_async(services.post_reply)(scene["author"], topic, "移動後の返信")
    received = []
    while not any("移動後の返信" in text for text in received):
        output = await socket.receive_output(timeout=3)
        assert output["type"] != "websocket.close"
        received.append(_text(output))
    # …and a later change of the new board's policy still reaches it.
    await sync_to_async(content_moderation.update_board)(
        scene["moderator"], other_open, join_policy=Board.JoinPolicy.INVITE
    )
    await _closed_or_silent_about_secret(socket)


async def test_a_stream_follows_its_topic_to_a_board_the_reader_may_read():
    scene = await sync_to_async(_scene)("move")
    other_open = await sync_to_async(BoardFactory)(join_policy=Board.JoinPolicy.OPEN)
    await sync_to_async(MembershipFactory)(board=other_open, user=scene["author"])
    topic = scene["topic"]
    client = AsyncClient()
    await client.aforce_login(scene["reader"])
    response = await client.get(f"/topics/{topic.pk}/events/stream/?since=0")
    chunks = aiter(response.streaming_content)
    events = _stream_lines(chunks)
    await sync_to_async(services.post_reply)(scene["author"], topic, "移動前の返信")
    assert "移動前の返信" in (await anext(events))["html"]  # the stream is subscribed
    await sync_to_async(content_moderation.move_topic)(scene["moderator"], topic, other_open)
    await sync_to_async(services.post_reply)(scene["author"], topic, "移動後の返信")
    async for event in events:
        assert event["type"] != "access.revoked"
        if "移動後の返信" in event.get("html", ""):
            break
    # …and a later change of the new board's policy still reaches it.
    await sync_to_async(content_moderation.update_board)(
        scene["moderator"], other_open, join_policy=Board.JoinPolicy.INVITE
    )
    async for event in events:
        if event["type"] == "access.revoked":
            break
    else:
        raise AssertionError("the stream never heard of the new board's change")
    await chunks.aclose()
