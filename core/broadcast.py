"""Sending to channel-layer groups without making the writer wait for the readers.

A sync view runs in a worker thread; ``async_to_sync(group_send)`` from there runs the send on
the server's event loop and blocks until it is done. With a thousand sockets open on the same
process, that loop is busy writing the previous event to each of them, so the person who just
posted waited for everybody else's delivery (a reply took a median 368 ms with 1,000 sockets
open against ~20 ms with none).

Here, when the code runs beside a running ASGI server, a send only puts the message in a
first-in-first-out queue on the server's loop and returns; one publisher task per process
drains the queue in order, so events of a topic still leave in sequence order. Outside a server
(management commands, the task worker, tests with Django's test client) there is no loop to
hand over to and the send happens at once, as before. A send that fails is logged and dropped:
channel layers deliver at most once anyway, and pages catch up from the database by sequence.

Events sent while an HTTP request is served are held until its response has been written
(``until_answered``): the fan-out of a reply to hundreds of sockets runs on the same loop and
interpreter as the request, so sending at the commit made the writer share the CPU with their
own readers until the redirect went out. Held events then leave in the order they were sent;
events of two requests of one process may leave in the order the requests were answered, which
pages handle as any gap (by sequence, from the database). A send to a handful of sockets (a
private conversation's participants) passes ``after_answer=False``: it costs the writer nothing
to speak of, and the person waiting for the message should not wait for the writer's redirect.

An event (``{"type": ..., "event": {...}}``) is written as JSON once, as it enters the channel
layer (``for_layer``), instead of once for every socket and stream it reaches: the layer carries
``{"type", "sequence", "json"}`` and consumers and streams send that text as it is
(``event_json``). The text keeps Japanese as UTF-8 (a post's event is about 2.0 KB instead of
3.3 KB with every character escaped), and 500 sockets of one worker no longer encode the same
event 500 times (about 11 µs each).
"""

import asyncio
import contextvars
import json
import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

logger = logging.getLogger(__name__)


def _json(event: dict) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def for_layer(message: dict) -> dict:
    """``message`` as the channel layer carries it: an event as its JSON text, written once
    (once per language for ``{"events": {language: event}}``, from
    ``core.languages.in_each_language``)."""
    events = message.get("events")
    if isinstance(events, dict):
        texts = {language: _json(event) for language, event in events.items()}
        event = next(iter(events.values()))
        return {"type": message["type"], "sequence": event.get("sequence"), "by_language": texts}
    event = message.get("event")
    if not isinstance(event, dict):
        return message
    return {"type": message["type"], "sequence": event.get("sequence"), "json": _json(event)}


def event_sequence(message: dict) -> int | None:
    """The sequence of the event a layer message carries, either way it was sent."""
    if "json" in message or "by_language" in message:
        return message.get("sequence")
    if "events" in message:
        return next(iter(message["events"].values())).get("sequence")
    return message["event"].get("sequence")


def event_json(message: dict, language: str | None = None) -> str:
    """The JSON text of the event a layer message carries (written by ``for_layer``, or an
    event sent to the layer directly), in ``language`` when it was rendered in each."""
    by_language = message.get("by_language")
    if by_language:
        return (
            by_language.get(language)
            or by_language.get(settings.LANGUAGE_CODE)
            or next(iter(by_language.values()))
        )
    text = message.get("json")
    if text is not None:
        return text
    events = message.get("events")
    if events:
        return _json(events.get(language) or events.get(settings.LANGUAGE_CODE))
    return json.dumps(message["event"], ensure_ascii=False)


_server_loop: asyncio.AbstractEventLoop | None = None
_queue: asyncio.Queue | None = None
_publisher: asyncio.Task | None = None


class _Held:
    """Live events of one HTTP request, waiting for its response to be written."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[tuple[str, dict]] = []
        self.released = False

    def hold(self, messages: list[tuple[str, dict]]) -> bool:
        with self.lock:
            if self.released:
                return False
            self.messages.extend(messages)
            return True

    def release(self) -> None:
        """On the server's loop: queue what was held; later sends go out at once."""
        with self.lock:
            messages, self.messages, self.released = self.messages, [], True
        if messages:
            send_many(messages)


_held: contextvars.ContextVar[_Held | None] = contextvars.ContextVar("held", default=None)


def until_answered(app):
    """ASGI middleware for HTTP: the request's live events leave once its response is sent."""

    async def held_until_answered(scope, receive, send):
        held = _Held()
        token = _held.set(held)

        async def send_then_release(message):
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                held.release()

        try:
            return await app(scope, receive, send_then_release)
        finally:
            _held.reset(token)
            held.release()

    return held_until_answered


def bind_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Called from the ASGI application on every connection: remember the serving loop."""
    global _server_loop, _queue, _publisher
    if _server_loop is loop:
        return
    _server_loop = loop
    _queue = asyncio.Queue()
    _publisher = loop.create_task(_publish(_queue))


async def unbind_server_loop(drain_seconds: float = 2.0) -> None:
    """On the serving loop as the server shuts down (ASGI lifespan): send what is still queued
    (for at most ``drain_seconds``), then stop the publisher; later sends go at once."""
    global _server_loop, _queue, _publisher
    queue, publisher = _queue, _publisher
    _server_loop = _queue = _publisher = None
    if publisher is None:
        return
    if queue is not None:
        try:
            await asyncio.wait_for(queue.join(), drain_seconds)
        except TimeoutError:
            logger.warning("%s live events were not sent before shutdown", queue.qsize())
    publisher.cancel()
    await asyncio.gather(publisher, return_exceptions=True)


async def _publish(queue: asyncio.Queue) -> None:
    while True:
        group, message = await queue.get()
        try:
            await get_channel_layer().group_send(group, for_layer(message))
        except Exception:
            logger.warning("Live event to %s was not sent", group, exc_info=True)
        finally:
            queue.task_done()


def _hand_over(loop: asyncio.AbstractEventLoop, group: str, message: dict) -> bool:
    if loop.is_closed() or not loop.is_running():
        return False
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:  # already on the server's loop (async code): queue directly
        _queue.put_nowait((group, message))
        return True
    try:
        loop.call_soon_threadsafe(_queue.put_nowait, (group, message))
    except RuntimeError:  # the loop closed in between
        return False
    return True


def send(group: str, message: dict, *, after_answer: bool = True) -> None:
    """Send ``message`` to ``group`` without waiting for its delivery when a server runs."""
    send_many([(group, message)], after_answer=after_answer)


def send_many(messages: list[tuple[str, dict]], *, after_answer: bool = True) -> None:
    """Send each ``(group, message)`` in order. Beside a server they are queued; elsewhere (the
    task worker telling 500 watchers) they go out in one pass of one event loop, not one loop
    hop each. ``after_answer=False``: not held until the request's response is written."""
    loop = _server_loop
    held = _held.get() if after_answer else None
    if loop is not None and held is not None and held.hold(messages):
        return
    if loop is not None and all(_hand_over(loop, group, message) for group, message in messages):
        return

    async def send_all() -> None:
        layer = get_channel_layer()
        for group, message in messages:
            try:
                await layer.group_send(group, for_layer(message))
            except Exception:
                logger.warning("Live event to %s was not sent", group, exc_info=True)

    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is not None:  # async code on a loop that is not bound: send from this loop
        running.create_task(send_all())
        return
    try:
        async_to_sync(send_all)()
    except Exception:
        logger.warning("%s live events were not sent", len(messages), exc_info=True)
