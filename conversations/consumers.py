"""WebSocket consumers of private conversations, on the forums' ``MemberConsumer``: the same
admission on connect, the member's own group, and a fresh check (and close) whenever the
member's access changes (suspension, leaving, removal)."""

import logging
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.db import DatabaseError

from accounts.models import User
from conversations import live, permissions, queries, services
from conversations.forms import parse_number
from core import broadcast
from core.params import parse_id
from forums.consumers import MemberConsumer

logger = logging.getLogger(__name__)

TYPING_INTERVAL = 3.0


@database_sync_to_async
def may_view_conversation(user_id: int | None, conversation_id: int) -> bool:
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        return False
    return permissions.can_view_conversation(user, queries.seat_of(user, conversation_id))


@database_sync_to_async
def _mark_read(user_id: int, conversation_id: int, number: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    seat = queries.seat_of(user, conversation_id) if user is not None else None
    if not permissions.can_view_conversation(user, seat):
        return
    try:
        services.mark_read(user, seat, number)
    except DatabaseError:
        # A read receipt is not worth the socket: the next one (or the next page) records it.
        logger.warning("Read state of %s in %s not saved", user_id, conversation_id)


class ConversationConsumer(MemberConsumer):
    """``/ws/conversations/<id>/?since=<sequence>``: catch-up, then live events. The page
    sends ``{"type": "typing"}`` while its member types and ``{"type": "read", "number"}``
    when a message was seen."""

    async def allowed(self) -> bool:
        self.conversation_id = parse_id(self.scope["url_route"]["kwargs"]["conversation_id"])
        if self.conversation_id is None:  # more digits than any id has
            return False
        return await may_view_conversation(self.user_id, self.conversation_id)

    def subscriptions(self) -> list[str]:
        return [live.conversation_group(self.conversation_id)]

    async def after_accept(self) -> None:
        self.last_typing = 0.0
        self.name = self.scope["user"].full_name
        query = parse_qs(self.scope.get("query_string", b"").decode())
        since = parse_number(query.get("since", [""])[0])
        missed = await self.in_language(live.catch_up, self.conversation_id, since)
        if missed is None:
            await self.send_json({"type": "reload", "sequence": None})
            return
        for event in missed:
            await self.send_json(event)
        await self.send_json(
            await database_sync_to_async(live.reads_event)(self.conversation_id, self.user_id)
        )

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "typing":
            now = time.monotonic()
            if now - self.last_typing >= TYPING_INTERVAL:
                self.last_typing = now
                await live.typing(self.channel_layer, self.conversation_id, self.user_id, self.name)
        elif kind == "read":
            number = parse_number(str(content.get("number", "")))
            if number is not None:
                await _mark_read(self.user_id, self.conversation_id, number)

    async def conversation_event(self, message):
        await self.send(text_data=broadcast.event_json(message, self.language))


class ConversationListConsumer(MemberConsumer):
    """``/ws/conversations/``: the member's own events, among them ``conversation.activity``
    (new messages and unread counts) for the conversations page."""

    async def user_event(self, message):
        await self.send(text_data=broadcast.event_json(message, self.language))
