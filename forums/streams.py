"""Server-sent events: the live fallback for networks whose proxies refuse WebSockets.

The same events as ``/ws/topics/<id>/``, over a plain HTTP response that the browser's
EventSource reconnects by itself, sending the last event id it saw (the topic sequence) so that
the catch-up is the same. Admitted like the page and the socket; ends with ``access.revoked``
when the member may no longer read the topic, and follows the topic to its new board when it
moves to one the member may read. Padding, heartbeats, catch-up and the access check are
``core.streams.live_event_stream``, shared with every stream of the site.
"""

from django.http import Http404

from accounts.live import user_group
from core.streams import event_stream_response, live_event_stream
from forums import live
from forums.consumers import topic_access


async def topic_event_stream(request, topic_id: int):
    user = await request.auser()
    user_id = user.pk if user.is_authenticated else None
    allowed, board_id = await topic_access(user_id, topic_id)
    if not allowed:
        raise Http404
    since = request.headers.get("Last-Event-ID") or request.GET.get("since", "")
    after = request.GET.get("after", "")
    current = {"board": board_id, "group": live.board_access_group(board_id)}

    async def still_allowed(subscription) -> bool:
        may_read, now_on = await topic_access(user_id, topic_id)
        if may_read and now_on != current["board"]:
            # Moved to a board this member may read: follow that board from now on.
            new_group = live.board_access_group(now_on)
            await subscription.move(current["group"], new_group)
            current.update(board=now_on, group=new_group)
        return may_read

    return event_stream_response(
        live_event_stream(
            groups=[live.topic_group(topic_id), user_group(user_id), current["group"]],
            event_type="topic.event",
            catch_up=lambda: live.catch_up(topic_id, since, after),
            still_allowed=still_allowed,
            label=f"topic {topic_id}",
            language=getattr(request, "LANGUAGE_CODE", None),
        )
    )
