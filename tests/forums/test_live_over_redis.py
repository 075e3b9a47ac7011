"""Over Redis, a quiet socket stays open: redis-py 8 reads with a 5 s timeout by default, and
channels-redis waits up to 5 s for the next message, which used to kill the receive loop."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from forums import services
from forums.consumers import TopicConsumer
from tests.factories import BoardFactory, MembershipFactory, make_topic

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        "channels_redis" not in str(settings.CHANNEL_LAYERS), reason="needs REDIS_URL; CI sets it"
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
]


async def test_a_socket_quiet_for_longer_than_the_redis_read_timeout_still_receives():
    board = await sync_to_async(BoardFactory)()
    asker = (await sync_to_async(MembershipFactory)(board=board)).user
    topic = await sync_to_async(make_topic)(asker, board)
    socket = WebsocketCommunicator(TopicConsumer.as_asgi(), f"/ws/topics/{topic.pk}/")
    socket.scope["user"] = asker
    socket.scope["url_route"] = {"kwargs": {"topic_id": topic.pk}}
    assert (await socket.connect())[0]
    await asyncio.sleep(6.5)
    post = await sync_to_async(services.post_reply)(asker, topic, "静かな時間の後の返信")
    for _ in range(5):
        event = await socket.receive_json_from(timeout=5)
        if event.get("type") == "post.created":
            break
    assert event["post_id"] == post.pk
    await socket.disconnect()
