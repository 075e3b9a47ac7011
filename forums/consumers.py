"""WebSocket consumers: a topic page subscribes to its topic's live events.

The consumer asks the same permission functions as the views, on connect and whenever the
member's access changes (suspension, leaving a board): then it checks again and closes.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.live import user_group
from accounts.models import User
from forums import permissions
from forums.live import topic_group
from forums.models import Topic
from forums.queries import membership_of

CLOSE_FORBIDDEN = 4403


@database_sync_to_async
def _may_view_topic(user_id: int | None, topic_id: int) -> bool:
    if user_id is None:
        return False
    user = User.objects.filter(pk=user_id).select_related("municipality").first()
    topic = Topic.objects.select_related("board").filter(pk=topic_id).first()
    if user is None or topic is None:
        return False
    return permissions.can_view_board(user, topic.board, membership_of(user, topic.board))


class TopicConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        self.user_id = user.pk if user is not None and user.is_authenticated else None
        self.topic_id = int(self.scope["url_route"]["kwargs"]["topic_id"])
        self.groups_joined: list[str] = []
        if not await _may_view_topic(self.user_id, self.topic_id):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        for group in (topic_group(self.topic_id), user_group(self.user_id)):
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Clients only listen; anything they send is ignored."""

    async def topic_event(self, message):
        await self.send_json(message["event"])

    async def access_changed(self, message):
        if not await _may_view_topic(self.user_id, self.topic_id):
            await self.close(code=CLOSE_FORBIDDEN)
