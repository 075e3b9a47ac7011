"""Server-sent events: the live fallback for networks whose proxies refuse WebSockets.

The same events as ``/ws/topics/<id>/``, over a plain HTTP response that the browser's
EventSource reconnects by itself, sending the last event id it saw (the topic sequence) so that
the catch-up is the same. A stream ends after a few minutes so that no proxy holds it forever.
Padding, heartbeats and the channel subscription are shared with every stream of the site
(``core/streams.py``).
"""

import logging
import time

from channels.db import database_sync_to_async
from django.http import Http404

from accounts.live import user_group
from core.streams import (
    HEARTBEAT,
    HEARTBEAT_SECONDS,
    PADDING,
    RETRY,
    SERVER_STOPPING,
    Subscription,
    event_stream_response,
)
from core.streams import format_event as _format
from forums import live
from forums.consumers import topic_access

logger = logging.getLogger(__name__)

STREAM_SECONDS = 240


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
            yield RETRY
            try:
                await subscription.open()
            except Exception:
                logger.warning("Live stream unavailable for topic %s", topic_id, exc_info=True)
                yield _format({"type": "live.unavailable", "sequence": None})
                return
            missed = await database_sync_to_async(live.catch_up)(topic_id, since, after)
            if missed is None:
                yield _format({"type": "reload", "sequence": None})
                return
            for event in missed:
                yield _format(event)
            deadline = time.monotonic() + STREAM_SECONDS
            while (remaining := deadline - time.monotonic()) > 0:
                message = await subscription.next_message(min(HEARTBEAT_SECONDS, remaining))
                if message is None:
                    yield HEARTBEAT
                elif message["type"] == SERVER_STOPPING:
                    return  # the end of the response; EventSource reconnects to the next server
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

    return event_stream_response(stream())
