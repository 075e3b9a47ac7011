"""Server-sent events for conversations: the fallback where proxies refuse WebSockets.

The same events as ``/ws/conversations/<id>/``; the browser's EventSource reconnects by itself
with the last event id it saw (the conversation's sequence), so the catch-up is the same. A
stream ends after a few minutes so that no proxy holds it forever, and ends at once when the
member's access changes and they may no longer read the conversation.
"""

import asyncio
import json
import time

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.http import Http404, StreamingHttpResponse

from accounts.live import user_group
from conversations import live
from conversations.consumers import may_view_conversation
from conversations.forms import parse_number

STREAM_SECONDS = 240
KEEPALIVE_SECONDS = 20


def _format(event: dict) -> str:
    event_id = f"id: {event['sequence']}\n" if event.get("sequence") else ""
    return f"{event_id}data: {json.dumps(event, ensure_ascii=False)}\n\n"


async def conversation_event_stream(request, conversation_id: int):
    user = await request.auser()
    user_id = user.pk if user.is_authenticated else None
    if not await may_view_conversation(user_id, conversation_id):
        raise Http404
    since = parse_number(request.headers.get("Last-Event-ID") or request.GET.get("since", ""))

    async def stream():
        layer = get_channel_layer()
        channel = await layer.new_channel("sse.")
        groups = [live.conversation_group(conversation_id), user_group(user_id)]
        for group in groups:
            await layer.group_add(group, channel)
        try:
            yield "retry: 3000\n\n"
            missed = await sync_to_async(live.catch_up)(conversation_id, since)
            if missed is None:
                yield _format({"type": "reload", "sequence": None})
                return
            for event in missed:
                yield _format(event)
            yield _format(await sync_to_async(live.reads_event)(conversation_id, user_id))
            deadline = time.monotonic() + STREAM_SECONDS
            while time.monotonic() < deadline:
                try:
                    message = await asyncio.wait_for(layer.receive(channel), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if message["type"] == "conversation.event":
                    yield _format(message["event"])
                elif message["type"] == "access.changed" and not await may_view_conversation(
                    user_id, conversation_id
                ):
                    yield _format({"type": "access.revoked", "sequence": None})
                    return
        finally:
            for group in groups:
                await layer.group_discard(group, channel)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response
