"""Server-sent events for conversations: the fallback where proxies refuse WebSockets.

The same events as ``/ws/conversations/<id>/``; the browser's EventSource reconnects by itself
with the last event id it saw (the conversation's sequence), so the catch-up is the same. A
stream ends after a few minutes so that no proxy holds it forever, and ends at once when the
member's access changes and they may no longer read the conversation.
"""

import logging
import time

from channels.db import database_sync_to_async
from django.http import Http404

from accounts.live import user_group
from conversations import live
from conversations.consumers import may_view_conversation
from conversations.forms import parse_number
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

logger = logging.getLogger(__name__)

STREAM_SECONDS = 240


async def conversation_event_stream(request, conversation_id: int):
    user = await request.auser()
    user_id = user.pk if user.is_authenticated else None
    if not await may_view_conversation(user_id, conversation_id):
        raise Http404
    since = parse_number(request.headers.get("Last-Event-ID") or request.GET.get("since", ""))

    async def stream():
        subscription = Subscription([live.conversation_group(conversation_id), user_group(user_id)])
        try:
            yield PADDING
            yield RETRY
            try:
                await subscription.open()
            except Exception:
                logger.warning(
                    "Live stream unavailable for conversation %s", conversation_id, exc_info=True
                )
                yield _format({"type": "live.unavailable", "sequence": None})
                return
            missed = await database_sync_to_async(live.catch_up)(conversation_id, since)
            if missed is None:
                yield _format({"type": "reload", "sequence": None})
                return
            for event in missed:
                yield _format(event)
            yield _format(await database_sync_to_async(live.reads_event)(conversation_id, user_id))
            deadline = time.monotonic() + STREAM_SECONDS
            while (remaining := deadline - time.monotonic()) > 0:
                # Never a timeout around receive(): see core/streams.py.
                message = await subscription.next_message(min(HEARTBEAT_SECONDS, remaining))
                if message is None:
                    yield HEARTBEAT
                elif message["type"] == SERVER_STOPPING:
                    return  # the end of the response; EventSource reconnects to the next server
                elif message["type"] == "conversation.event":
                    yield _format(message["event"])
                elif message["type"] == "access.changed" and not await may_view_conversation(
                    user_id, conversation_id
                ):
                    yield _format({"type": "access.revoked", "sequence": None})
                    return
        finally:
            await subscription.close()

    return event_stream_response(stream())
