"""Server-sent events: the live fallback for networks whose proxies refuse WebSockets.

The same events as ``/ws/topics/<id>/``, over a plain HTTP response that the browser's
EventSource reconnects by itself, sending the last event id it saw (the topic sequence) so that
the catch-up is the same. A stream ends after a few minutes so that no proxy holds it forever.

Buffering proxies of city halls hold a response back until enough bytes arrive or it ends: the
stream opens with a 2 KiB padding comment, says ``X-Accel-Buffering: no`` and
``Cache-Control: no-transform``, and sends a heartbeat comment every ``HEARTBEAT_SECONDS``.

The channel layer's ``receive()`` is never cancelled while the stream runs. channels-redis reads
every process-local channel through one shared loop; cancelling a ``receive()`` (as a timeout
around it does) can cancel that loop in the middle of a Redis read, losing a message meant for
another socket or stream of the process, and drops what was buffered for the cancelled channel.
With a heartbeat timeout around each receive, every open stream did that every few seconds: the
more streams a worker had served, the more events went missing. Here one receive per message
stays pending across heartbeats, and at the end the stream wakes it with a message of its own
before leaving its groups.
"""

import asyncio
import contextlib
import json
import logging
import time

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.http import Http404, StreamingHttpResponse

from accounts.live import user_group
from forums import live
from forums.consumers import topic_access

logger = logging.getLogger(__name__)

STREAM_SECONDS = 240
HEARTBEAT_SECONDS = 15
PADDING = ":" + " " * 2048 + "\n\n"
STOP_WAIT_SECONDS = 2.0


def _format(event: dict) -> str:
    event_id = f"id: {event['sequence']}\n" if event.get("sequence") else ""
    return f"{event_id}data: {json.dumps(event, ensure_ascii=False)}\n\n"


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
            await self.layer.group_add(group, self.channel)

    async def move(self, old_group: str, new_group: str) -> None:
        await self.layer.group_discard(old_group, self.channel)
        self.groups.remove(old_group)
        await self.layer.group_add(new_group, self.channel)
        self.groups.append(new_group)

    async def next_message(self, timeout: float) -> dict | None:
        """The next message, or None after ``timeout`` (the receive stays pending)."""
        if self.receiver is None:
            self.receiver = asyncio.ensure_future(self.layer.receive(self.channel))
        done, _pending = await asyncio.wait({self.receiver}, timeout=timeout)
        if not done:
            return None
        receiver, self.receiver = self.receiver, None
        return receiver.result()

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
            try:
                await self.layer.group_discard(group, self.channel)
            except Exception:
                logger.warning("Could not leave %s", group, exc_info=True)


async def topic_event_stream(request, topic_id: int):
    user = await request.auser()
    user_id = user.pk if user.is_authenticated else None
    allowed, board_id = await topic_access(user_id, topic_id)
    if not allowed:
        raise Http404
    since = request.headers.get("Last-Event-ID") or request.GET.get("since", "")
    after = request.GET.get("after", "")

    async def stream():
        current_board = board_id
        access_group = live.board_access_group(board_id)
        subscription = Subscription([live.topic_group(topic_id), user_group(user_id), access_group])
        try:
            yield PADDING
            yield "retry: 3000\n\n"
            try:
                await subscription.open()
            except Exception:
                logger.warning("Live stream unavailable for topic %s", topic_id, exc_info=True)
                yield _format({"type": "live.unavailable", "sequence": None})
                return
            missed = await sync_to_async(live.catch_up)(topic_id, since, after)
            if missed is None:
                yield _format({"type": "reload", "sequence": None})
                return
            for event in missed:
                yield _format(event)
            deadline = time.monotonic() + STREAM_SECONDS
            while (remaining := deadline - time.monotonic()) > 0:
                message = await subscription.next_message(min(HEARTBEAT_SECONDS, remaining))
                if message is None:
                    yield ": heartbeat\n\n"
                elif message["type"] == "topic.event":
                    yield _format(message["event"])
                elif message["type"] == "access.changed":
                    still_allowed, now_on = await topic_access(user_id, topic_id)
                    if not still_allowed:
                        yield _format({"type": "access.revoked", "sequence": None})
                        return
                    if now_on != current_board:
                        # Moved to a board this member may read: follow that board from now on.
                        new_group = live.board_access_group(now_on)
                        await subscription.move(access_group, new_group)
                        access_group, current_board = new_group, now_on
        finally:
            await subscription.close()

    response = StreamingHttpResponse(stream(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response
