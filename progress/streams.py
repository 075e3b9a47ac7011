"""``/progress/<id>/events/stream/``: server-sent events, the live fallback where proxies refuse
WebSockets.

The same events as ``/ws/progress/<id>/``, over a plain HTTP response that the browser's
EventSource reconnects by itself, sending the last event id it saw (the table's sequence), so
the catch-up is the same. Admitted like the page and the socket; ends with ``access.revoked``
when the member may no longer see the table. Padding, heartbeats, catch-up and the access check
are ``core.streams.live_event_stream``.
"""

from django.http import Http404

from accounts.live import user_group
from core.streams import event_stream_response, live_event_stream
from forums.live import board_access_group
from progress import live
from progress.consumers import may_view_table, table_access


async def table_event_stream(request, table_id: int):
    user = await request.auser()
    user_id = user.pk if user.is_authenticated else None
    allowed, board_id = await table_access(user_id, table_id)
    if not allowed:
        raise Http404
    since = request.headers.get("Last-Event-ID") or request.GET.get("since", "")

    async def still_allowed(_subscription) -> bool:
        return await may_view_table(user_id, table_id)

    return event_stream_response(
        live_event_stream(
            groups=[live.table_group(table_id), user_group(user_id), board_access_group(board_id)],
            event_type="progress.event",
            catch_up=lambda: live.catch_up(table_id, since),
            still_allowed=still_allowed,
            label=f"progress table {table_id}",
            language=getattr(request, "LANGUAGE_CODE", None),
        )
    )
