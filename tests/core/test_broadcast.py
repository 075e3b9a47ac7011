"""Live events leave through the server's loop without the writer waiting for delivery."""

import asyncio
import json
import threading
from unittest import mock

import pytest

from core import broadcast


class HeldLayer:
    """A channel layer whose sends finish only when the test lets them."""

    def __init__(self):
        self.release = threading.Event()
        self.delivered: list[tuple[str, dict]] = []

    async def group_send(self, group, message):
        while not self.release.is_set():
            await asyncio.sleep(0.01)
        self.delivered.append((group, message))


@pytest.fixture
def server_loop():
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(_bind(), loop).result(timeout=5)
    yield loop
    asyncio.run_coroutine_threadsafe(broadcast.unbind_server_loop(), loop).result(timeout=5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


async def _bind():
    broadcast.bind_server_loop(asyncio.get_running_loop())


def wait_for(condition, seconds: float = 5.0) -> bool:
    done = threading.Event()
    for _ in range(int(seconds * 100)):
        if condition():
            return True
        done.wait(0.01)
    return condition()


def test_a_send_beside_a_running_server_returns_before_the_delivery(server_loop):
    layer = HeldLayer()
    with mock.patch("core.broadcast.get_channel_layer", return_value=layer):
        broadcast.send("topic.1", {"type": "topic.event", "number": 1})
        # The layer is still holding the message: the writer did not wait for it.
        assert layer.delivered == []
        layer.release.set()
        assert wait_for(lambda: len(layer.delivered) == 1)
    assert layer.delivered == [("topic.1", {"type": "topic.event", "number": 1})]


def test_events_leave_in_the_order_they_were_sent(server_loop):
    layer = HeldLayer()
    layer.release.set()
    with mock.patch("core.broadcast.get_channel_layer", return_value=layer):
        for number in range(20):
            broadcast.send("topic.1", {"type": "topic.event", "number": number})
        assert wait_for(lambda: len(layer.delivered) == 20)
    assert [message["number"] for _group, message in layer.delivered] == list(range(20))


def test_without_a_running_server_the_send_happens_at_once(monkeypatch):
    ended = asyncio.new_event_loop()
    ended.close()  # e.g. the loop of a test that has finished: nothing may wait on it
    monkeypatch.setattr(broadcast, "_server_loop", ended)
    layer = HeldLayer()
    layer.release.set()
    with mock.patch("core.broadcast.get_channel_layer", return_value=layer):
        broadcast.send("user.7", {"type": "access.changed"})
    assert layer.delivered == [("user.7", {"type": "access.changed"})]


def test_a_failing_layer_loses_the_event_but_not_the_write(server_loop):
    class FlakyLayer(HeldLayer):
        async def group_send(self, group, message):
            if message["number"] == 1:
                raise ConnectionError("Redis is down")
            await super().group_send(group, message)

    layer = FlakyLayer()
    layer.release.set()
    with mock.patch("core.broadcast.get_channel_layer", return_value=layer):
        broadcast.send("topic.1", {"number": 1})
        broadcast.send("topic.1", {"number": 2})
        assert wait_for(lambda: len(layer.delivered) == 1)
    # The failed send was logged and dropped; the publisher went on with the next event.
    assert layer.delivered == [("topic.1", {"number": 2})]


def test_at_shutdown_the_queued_events_leave_before_the_publisher_stops():
    from onlinecityhall.asgi import application

    layer = HeldLayer()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(_bind(), loop).result(timeout=5)
        publisher = broadcast._publisher
        with mock.patch("core.broadcast.get_channel_layer", return_value=layer):
            broadcast.send("topic.1", {"type": "topic.event", "number": 1})
            broadcast.send("topic.1", {"type": "topic.event", "number": 2})
            threading.Timer(0.2, layer.release.set).start()
            said = []
            messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

            async def receive():
                return next(messages)

            async def send(message):
                said.append(message["type"])

            lifespan = application({"type": "lifespan"}, receive, send)
            asyncio.run_coroutine_threadsafe(lifespan, loop).result(timeout=5)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()

    assert said == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert [message["number"] for _group, message in layer.delivered] == [1, 2]
    assert publisher.done() and broadcast._server_loop is None


def answered_request(loop, view):
    """Serve one HTTP request through ``until_answered`` on the server's loop: ``view`` runs in
    a worker thread as a sync Django view does; returns what the layer had delivered just
    before the response was written."""
    from asgiref.sync import sync_to_async

    layer_before_answer: list = []

    async def app(scope, receive, send):
        await sync_to_async(view)()
        await asyncio.sleep(0.1)  # time enough for the publisher, had the event left
        layer_before_answer.extend(broadcast.get_channel_layer().delivered)
        await send({"type": "http.response.start", "status": 302, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def written(message):
        pass

    handler = broadcast.until_answered(app)
    asyncio.run_coroutine_threadsafe(handler({"type": "http"}, None, written), loop).result(5)
    return layer_before_answer


def test_events_of_a_request_leave_once_its_response_is_written(server_loop):
    """The person who posts gets their answer before the fan-out to every reader starts."""
    layer = HeldLayer()
    layer.release.set()

    def view():
        broadcast.send("topic.1", {"type": "topic.event", "number": 1})
        broadcast.send("topic.1", {"type": "topic.event", "number": 2})

    with mock.patch("core.broadcast.get_channel_layer", return_value=layer):
        assert answered_request(server_loop, view) == []
        assert wait_for(lambda: len(layer.delivered) == 2)
    assert [message["number"] for _group, message in layer.delivered] == [1, 2]


def test_events_of_a_request_that_fails_still_leave(server_loop):
    layer = HeldLayer()
    layer.release.set()

    def view():
        broadcast.send("topic.1", {"type": "topic.event", "number": 1})
        raise RuntimeError("the view failed after its commit")

    with mock.patch("core.broadcast.get_channel_layer", return_value=layer):
        with pytest.raises(RuntimeError):
            answered_request(server_loop, view)
        assert wait_for(lambda: len(layer.delivered) == 1)


def test_a_send_to_a_few_sockets_leaves_before_the_response(server_loop):
    """A private conversation's message reaches the other participant while the writer's
    redirect is still being made; the events held for the response still wait for it."""
    layer = HeldLayer()
    layer.release.set()

    def view():
        broadcast.send("topic.1", {"type": "topic.event", "number": 1})
        broadcast.send("conversation.1", {"type": "conversation.event"}, after_answer=False)

    with mock.patch("core.broadcast.get_channel_layer", return_value=layer):
        assert answered_request(server_loop, view) == [
            ("conversation.1", {"type": "conversation.event"})
        ]
        assert wait_for(lambda: len(layer.delivered) == 2)
    assert layer.delivered[1] == ("topic.1", {"type": "topic.event", "number": 1})


def test_an_event_enters_the_layer_as_json_written_once(server_loop):
    layer = HeldLayer()
    layer.release.set()
    event = {"type": "post.created", "sequence": 7, "html": "<p>接種券の再発行</p>"}
    with mock.patch("core.broadcast.get_channel_layer", return_value=layer):
        broadcast.send("topic.1", {"type": "topic.event", "event": event})
        broadcast.send("topic.1", {"type": "access.changed"})
        assert wait_for(lambda: len(layer.delivered) == 2)
    (_group, carried), (_same, plain) = layer.delivered
    assert carried == {
        "type": "topic.event",
        "sequence": 7,
        "json": '{"type":"post.created","sequence":7,"html":"<p>接種券の再発行</p>"}',
    }
    assert json.loads(broadcast.event_json(carried)) == event
    assert broadcast.event_sequence(carried) == 7
    # A message without an event is sent as it is.
    assert plain == {"type": "access.changed"}


def test_an_event_sent_to_the_layer_directly_is_written_when_it_is_read():
    event = {"type": "typing", "sequence": None, "name": "山田"}
    message = {"type": "conversation.event", "event": event}
    assert json.loads(broadcast.event_json(message)) == event
    assert broadcast.event_sequence(message) is None
