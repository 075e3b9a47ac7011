"""Live updates: sent after commit, in order, caught up after gaps, and only to allowed readers."""

import json
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.template.loader import render_to_string

from core import broadcast
from forums import live, services
from forums.consumers import CLOSE_FORBIDDEN, TopicConsumer, UserConsumer
from forums.models import Board, Post
from moderation.services import site as site_moderation
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_topic

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def socket_for(user, topic, query=""):
    communicator = WebsocketCommunicator(TopicConsumer.as_asgi(), f"/ws/topics/{topic.pk}/?{query}")
    communicator.scope["user"] = user
    communicator.scope["url_route"] = {"kwargs": {"topic_id": topic.pk}}
    communicator.scope["query_string"] = query.encode()
    return communicator


@pytest.fixture
def scene(db):
    board = BoardFactory()
    asker = MembershipFactory(board=board).user
    answerer = MembershipFactory(board=board).user
    topic = make_topic(asker, board)
    return board, asker, answerer, topic


reply = sync_to_async(services.post_reply)


async def next_topic_event(socket) -> dict:
    """The next event of the topic, past the member's own events that share the socket (the
    notification badge's ``notification.count``)."""
    while True:
        event = await socket.receive_json_from(timeout=3)
        if event["type"] != "notification.count":
            return event


async def test_a_reply_arrives_rendered_with_the_pages_template(scene):
    _board, asker, answerer, topic = scene
    socket = socket_for(asker, topic, f"since={topic.event_sequence}")
    assert (await socket.connect())[0]
    post = await reply(answerer, topic, "クッションを切って合わせました。")
    event = await socket.receive_json_from(timeout=3)
    assert event["type"] == "post.created"
    assert event["post_id"] == post.pk and event["number"] == 2
    assert event["sequence"] == 1
    saved = await sync_to_async(Post.objects.select_related("author", "author_municipality").get)(
        pk=post.pk
    )
    context = {
        "post": saved,
        "topic": topic,
        "viewer_id": None,
        "csrf_token": live.SHARED_CSRF_PLACEHOLDER,
    }
    expected = await sync_to_async(render_to_string)("forums/_post.html", context)
    assert event["html"] == expected
    assert "クッションを切って合わせました。" in event["html"]
    await socket.disconnect()


async def test_a_topic_socket_carries_only_the_topic_and_the_header_socket_the_counts(scene):
    """The asker is told of the reply (a notification): the count goes to the header's socket
    (/ws/me/), while the topic's socket carries the reply alone."""
    _board, asker, answerer, topic = scene
    page = socket_for(asker, topic, f"since={topic.event_sequence}")
    header = WebsocketCommunicator(UserConsumer.as_asgi(), "/ws/me/")
    header.scope["user"] = asker
    assert (await page.connect())[0] and (await header.connect())[0]

    await reply(answerer, topic, "クッションを切って合わせました。")

    kinds = []
    while not await page.receive_nothing(timeout=0.5):
        kinds.append((await page.receive_json_from())["type"])
    assert kinds == ["post.created"]
    assert (await header.receive_json_from(timeout=3)) == {
        "type": "notification.count",
        "unread": 1,
    }
    await page.disconnect()
    await header.disconnect()


async def test_edits_deletions_helpful_marks_and_answers_arrive_in_order(scene):
    _board, asker, answerer, topic = scene
    socket = socket_for(asker, topic, "since=0")
    await socket.connect()
    post = await reply(answerer, topic, "初版")
    await sync_to_async(services.edit_post)(answerer, post, "第二版")
    await sync_to_async(services.toggle_helpful)(asker, post)
    await sync_to_async(services.accept_answer)(asker, topic, post)
    await sync_to_async(services.delete_post)(answerer, post)
    kinds = [(await next_topic_event(socket))["type"] for _ in range(6)]
    assert kinds == [
        "post.created",
        "post.edited",
        "post.helpful",
        "post.changed",
        "topic.answer",
        "post.deleted",
    ]
    await socket.disconnect()


async def test_reconnecting_with_the_last_sequence_catches_up_without_duplicates(scene):
    _board, asker, answerer, topic = scene
    first = await reply(answerer, topic, "一件目")
    second = await reply(answerer, topic, "二件目")
    socket = socket_for(asker, topic, "since=1")  # the page had seen the first reply only
    await socket.connect()
    event = await socket.receive_json_from(timeout=3)
    assert (event["type"], event["post_id"], event["sequence"]) == ("post.created", second.pk, 2)
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
    assert first.number == 2


async def test_after_a_post_id_sends_every_newer_post(scene):
    _board, asker, answerer, topic = scene
    first_post = await sync_to_async(topic.posts.get)(number=1)
    await reply(answerer, topic, "返信A")
    await reply(answerer, topic, "返信B")
    socket = socket_for(asker, topic, f"after={first_post.pk}")
    await socket.connect()
    numbers = [(await socket.receive_json_from(timeout=3))["number"] for _ in range(2)]
    assert numbers == [2, 3]
    await socket.disconnect()


async def test_a_dropped_event_is_noticed_and_fetched_over_http(scene, client):
    _board, asker, answerer, topic = scene
    socket = socket_for(asker, topic, "since=0")
    await socket.connect()
    real_send = broadcast.get_channel_layer

    class DropFirst:
        dropped = False

        def __init__(self):
            self.layer = real_send()

        async def group_send(self, group, message):
            if not DropFirst.dropped:
                DropFirst.dropped = True  # the channel layer lost this one
                return
            await self.layer.group_send(group, message)

    with mock.patch("core.broadcast.get_channel_layer", DropFirst):
        lost = await reply(answerer, topic, "届かなかった返信")
        await reply(answerer, topic, "届いた返信")
    event = await next_topic_event(socket)
    assert event["sequence"] == 2  # the client sees the gap: it applied nothing after 0
    await sync_to_async(client.force_login)(asker)
    response = await sync_to_async(client.get)(f"/topics/{topic.pk}/events/?since=0")
    missed = json.loads(response.content)["events"]
    assert [item["post_id"] for item in missed] == [lost.pk, event["post_id"]]
    await socket.disconnect()


async def test_a_rolled_back_write_never_broadcasts(scene):
    _board, asker, answerer, topic = scene
    socket = socket_for(asker, topic, "since=0")
    await socket.connect()

    def reply_then_fail():
        with transaction.atomic():
            services.post_reply(answerer, topic, "取り消される返信")
            raise RuntimeError("rollback")

    with pytest.raises(RuntimeError):
        await sync_to_async(reply_then_fail)()
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_posting_succeeds_when_the_channel_layer_is_down(scene):
    _board, _asker, answerer, topic = scene

    class BrokenLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    with mock.patch("core.broadcast.get_channel_layer", BrokenLayer):
        post = await reply(answerer, topic, "Redisが落ちていても保存される")
    assert await sync_to_async(Post.objects.filter(pk=post.pk).exists)()


@pytest.mark.parametrize("role", ["anonymous", "pending", "non_member_of_invite_board"])
async def test_sockets_are_refused_to_those_who_cannot_read(role):
    board = await sync_to_async(BoardFactory)(join_policy=Board.JoinPolicy.INVITE)
    asker = (await sync_to_async(MembershipFactory)(board=board)).user
    topic = await sync_to_async(make_topic)(asker, board)
    from django.contrib.auth.models import AnonymousUser

    user = {
        "anonymous": AnonymousUser(),
        "pending": await sync_to_async(UserFactory)(status="pending"),
        "non_member_of_invite_board": await sync_to_async(UserFactory)(),
    }[role]
    connected, code = await socket_for(user, topic).connect()
    assert not connected and code == CLOSE_FORBIDDEN


async def test_leaving_an_invite_board_closes_the_open_socket():
    board = await sync_to_async(BoardFactory)(join_policy=Board.JoinPolicy.INVITE)
    reader = (await sync_to_async(MembershipFactory)(board=board)).user
    topic = await sync_to_async(make_topic)(reader, board)
    socket = socket_for(reader, topic)
    assert (await socket.connect())[0]
    await sync_to_async(services.leave_board)(reader, board)
    closed = await socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


async def test_suspension_closes_the_socket(scene):
    _board, asker, _answerer, topic = scene
    moderator = await sync_to_async(UserFactory)(is_site_moderator=True)
    socket = socket_for(asker, topic)
    await socket.connect()
    await sync_to_async(site_moderation.suspend_member)(moderator, asker, "規約違反")
    assert (await socket.receive_output(timeout=3))["type"] == "websocket.close"


async def test_frames_that_are_not_json_text_are_ignored_and_the_socket_stays(scene):
    _board, asker, answerer, topic = scene
    socket = socket_for(asker, topic)
    assert (await socket.connect())[0]
    await socket.send_to(text_data="not json {")
    await socket.send_to(bytes_data=b"\x00\x01")
    post = await reply(answerer, topic, "壊れた送信のあとも届く")
    event = await next_topic_event(socket)
    assert (event["type"], event["post_id"]) == ("post.created", post.pk)
    await socket.disconnect()


async def test_an_id_longer_than_any_is_refused(scene):
    _board, asker, _answerer, topic = scene
    socket = socket_for(asker, topic)
    socket.scope["url_route"] = {"kwargs": {"topic_id": "9" * 30}}
    connected, code = await socket.connect()
    assert not connected and code == CLOSE_FORBIDDEN


async def test_each_reader_gets_the_live_reply_in_their_own_language(scene):
    board, asker, answerer, topic = scene
    english = (await sync_to_async(MembershipFactory)(board=board, user__language="en")).user
    japanese_socket, english_socket = socket_for(asker, topic), socket_for(english, topic)
    assert (await japanese_socket.connect())[0] and (await english_socket.connect())[0]

    await reply(answerer, topic, "どちらの言語でも同じ本文")

    japanese, in_english = (
        await next_topic_event(japanese_socket),
        await next_topic_event(english_socket),
    )
    assert japanese["sequence"] == in_english["sequence"]
    assert "引用" in japanese["html"] and "Quote" not in japanese["html"]
    assert "Quote" in in_english["html"] and "引用" not in in_english["html"]
    assert "どちらの言語でも同じ本文" in in_english["html"]
    await japanese_socket.disconnect()
    await english_socket.disconnect()


async def test_a_catch_up_comes_in_the_readers_language(scene):
    board, _asker, answerer, topic = scene
    english = (await sync_to_async(MembershipFactory)(board=board, user__language="en")).user
    await reply(answerer, topic, "追いつき")
    socket = socket_for(english, topic, "since=0")
    assert (await socket.connect())[0]
    event = await next_topic_event(socket)
    assert event["type"] == "post.created" and "Quote" in event["html"]
    await socket.disconnect()
