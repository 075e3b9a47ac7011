"""Server-sent events for conversations: the fallback where proxies refuse WebSockets.

The same events as ``/ws/conversations/<id>/``; the browser's EventSource reconnects by itself
with the last event id it saw (the conversation's sequence), so the catch-up is the same, and
is followed by the members' read receipts. Ends at once with ``access.revoked`` when the
member's access changes and they may no longer read the conversation. Padding, heartbeats,
catch-up and the access check are ``core.streams.live_event_stream``, shared with every stream
of the site.
"""

from django.http import Http404

from accounts.live import user_group
from conversations import live
from conversations.consumers import may_view_conversation
from conversations.forms import parse_number
from core.streams import event_stream_response, live_event_stream


async def conversation_event_stream(request, conversation_id: int):
    user = await request.auser()
    user_id = user.pk if user.is_authenticated else None
    if not await may_view_conversation(user_id, conversation_id):
        raise Http404
    since = parse_number(request.headers.get("Last-Event-ID") or request.GET.get("since", ""))

    def catch_up():
        missed = live.catch_up(conversation_id, since)
        if missed is None:
            return None
        return [*missed, live.reads_event(conversation_id, user_id)]

    async def still_allowed(_subscription) -> bool:
        return await may_view_conversation(user_id, conversation_id)

    return event_stream_response(
        live_event_stream(
            groups=[live.conversation_group(conversation_id), user_group(user_id)],
            event_type="conversation.event",
            catch_up=catch_up,
            still_allowed=still_allowed,
            label=f"conversation {conversation_id}",
            language=getattr(request, "LANGUAGE_CODE", None),
        )
    )
