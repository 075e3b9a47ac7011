"""Server-sent event streams: what every live stream of the site shares.

Buffering proxies of city halls hold a response back until enough bytes arrive or it ends: a
stream opens with a 2 KiB padding comment, says ``X-Accel-Buffering: no`` and
``Cache-Control: no-transform``, and sends a heartbeat comment every ``HEARTBEAT_SECONDS``.

The channel layer's ``receive()`` is never cancelled while a stream runs. channels-redis reads
every process-local channel through one shared loop; cancelling a ``receive()`` (as a timeout
around it does) can cancel that loop in the middle of a Redis read, losing a message meant for
another socket or stream of the process, and drops what was buffered for the cancelled channel.
With a keep-alive timeout around each receive, every open stream did that every few seconds:
the more streams a worker had served, the more events went missing for everyone. Here one
receive per message stays pending across heartbeats (``Subscription.next_message``), and at
the end the stream wakes it with a message of its own before leaving its groups.

A stream ends as soon as its server is asked to stop (SIGTERM or SIGINT), with the proper end
of its response: uvicorn closes WebSockets at once (1012) but lets an HTTP response run until
its graceful-shutdown timeout and then cuts it, so without this every open stream held the
shutdown for that long. ``stop_streams`` is called from a handler chained in front of the
server's own (only where the server installed one, in the main thread); the browser's
EventSource reconnects by itself after the ``retry`` hint, to whichever server is up.

A stream holds no database connection while it waits. Django returns a request's connection
(to the psycopg pool) only when the response ends, and a stream's response lasts minutes: with
plain ``sync_to_async`` every open stream kept one of the pool's ten connections, and from the
eleventh stream on every request of that worker, page or socket, waited 10 s for a connection
and failed. Streams read the database through ``database_sync_to_async``, which hands the
connection back after each call.
"""

import asyncio
import contextlib
import json
import logging
import signal
import threading
import time
import weakref

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.http import StreamingHttpResponse

from core import broadcast, groups
from core.languages import call_in

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15
PADDING = ":" + " " * 2048 + "\n\n"
HEARTBEAT = ": heartbeat\n\n"
RETRY = "retry: 3000\n\n"
STOP_WAIT_SECONDS = 2.0
STREAM_SECONDS = 240  # then the browser's EventSource reconnects: no proxy holds a stream forever
SERVER_STOPPING = "server.stopping"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

# Set once the server this process runs is stopping; and one event per loop serving streams,
# to wake the streams waiting on it.
_stop_requested = False
_stopping: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event]" = (
    weakref.WeakKeyDictionary()
)


def stop_streams() -> None:
    """End every open stream of this process (each sends the end of its response), and any
    stream opened after this at its first wait."""
    global _stop_requested
    _stop_requested = True
    for loop, event in list(_stopping.items()):
        with contextlib.suppress(RuntimeError):  # a loop closed meanwhile
            loop.call_soon_threadsafe(event.set)


def _stopping_event() -> asyncio.Event:
    loop = asyncio.get_running_loop()
    event = _stopping.get(loop)
    if event is None:
        event = _stopping[loop] = asyncio.Event()
        _chain_stop_signals()
    return event


def _chain_stop_signals() -> None:
    """Run ``stop_streams`` before the server's own handler of each stop signal."""
    if threading.current_thread() is not threading.main_thread():
        return
    for number in STOP_SIGNALS:
        previous = signal.getsignal(number)
        if not callable(previous) or getattr(previous, "chained_by_streams", False):
            continue  # no server handler to chain to (the default action stays), or done

        def handler(signum, frame, previous=previous):
            stop_streams()
            previous(signum, frame)

        handler.chained_by_streams = True
        signal.signal(number, handler)


def format_event(event: dict) -> str:
    return format_json(event.get("sequence"), json.dumps(event, ensure_ascii=False))


def format_json(sequence: int | None, text: str) -> str:
    """One server-sent event: its id (the sequence, when it has one) and its JSON text."""
    event_id = f"id: {sequence}\n" if sequence else ""
    return f"{event_id}data: {text}\n\n"


def event_stream_response(stream) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response


class Subscription:
    """A stream's channel, its groups and its one pending ``receive()``."""

    def __init__(self, groups: list[str]):
        self.layer = get_channel_layer()
        self.groups = list(groups)
        self.channel = None
        self.receiver = None

    async def open(self) -> None:
        self.channel = await self.layer.new_channel("sse.")
        for group in self.groups:
            await groups.join(self.layer, group, self.channel)

    async def move(self, old_group: str, new_group: str) -> None:
        await groups.leave(self.layer, old_group, self.channel)
        self.groups.remove(old_group)
        await groups.join(self.layer, new_group, self.channel)
        self.groups.append(new_group)

    async def next_message(self, timeout: float) -> dict | None:
        """The next message, or None after ``timeout`` (the receive stays pending), or
        ``{"type": SERVER_STOPPING}`` when the server is stopping: the stream should end."""
        if self.receiver is None:
            self.receiver = asyncio.ensure_future(self.layer.receive(self.channel))
        stopping = _stopping_event()
        if _stop_requested:
            return {"type": SERVER_STOPPING}
        stop = asyncio.ensure_future(stopping.wait())
        try:
            done, _pending = await asyncio.wait(
                {self.receiver, stop}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stop.cancel()
        if self.receiver in done:
            receiver, self.receiver = self.receiver, None
            return receiver.result()
        if stop in done:
            return {"type": SERVER_STOPPING}
        return None

    async def close(self) -> None:
        if self.channel is None:
            return
        receiver, self.receiver = self.receiver, None
        if receiver is not None and not receiver.done():
            with contextlib.suppress(Exception):
                await self.layer.send(self.channel, {"type": "stream.closed"})
                await asyncio.wait({receiver}, timeout=STOP_WAIT_SECONDS)
            if not receiver.done():
                receiver.cancel()
        for group in self.groups:
            await groups.leave(self.layer, group, self.channel)


async def live_event_stream(
    *,
    groups: list[str],
    event_type: str,
    catch_up,
    still_allowed,
    label: str,
    seconds: float = STREAM_SECONDS,
    language: str | None = None,
):
    """The body of a live page's event stream: padding, the catch-up, then live events until
    ``seconds`` pass (the browser's EventSource reconnects with ``Last-Event-ID``, so nothing
    is lost in between).

    ``groups``: the channel groups to listen to; ``event_type``: the type of the layer messages
    that carry an event (``{"type": event_type, "event": {...}}``); ``catch_up``: a plain
    function returning the events the page missed, or None when it should reload (run with
    ``database_sync_to_async``; the events it returns are sent in order, so it may end them with
    a state of its own, such as a conversation's read receipts); ``still_allowed``: a coroutine
    function given the ``Subscription`` and asked again on every ``access.changed``; when it
    says no, the stream sends ``access.revoked`` and ends; when the page's access moved (a
    topic moved to another board), it may ``move`` the subscription to the new group first.
    ``label`` names the stream in the log; ``language``: the reader's (the catch-up is
    rendered in it, and events rendered in each language are sent in it)."""
    language = language or settings.LANGUAGE_CODE
    subscription = Subscription(groups)
    try:
        yield PADDING
        yield RETRY
        try:
            await subscription.open()
        except Exception:
            logger.warning("Live stream unavailable for %s", label, exc_info=True)
            yield format_event({"type": "live.unavailable", "sequence": None})
            return
        missed = await database_sync_to_async(call_in)(language, catch_up)
        if missed is None:
            yield format_event({"type": "reload", "sequence": None})
            return
        for event in missed:
            yield format_event(event)
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            # Never a timeout around receive(): see the module's docstring.
            message = await subscription.next_message(min(HEARTBEAT_SECONDS, remaining))
            if message is None:
                yield HEARTBEAT
            elif message["type"] == SERVER_STOPPING:
                return  # the end of the response; EventSource reconnects to the next server
            elif message["type"] == event_type:
                text = broadcast.event_json(message, language)
                yield format_json(broadcast.event_sequence(message), text)
            elif message["type"] == "access.changed" and not await still_allowed(subscription):
                yield format_event({"type": "access.revoked", "sequence": None})
                return
    finally:
        await subscription.close()
