"""WebSocket consumers: topic pages, board pages and each member's own channel.

Consumers ask the same permission functions as the views, once on connect, and keep that
answer: deciding per event would cost a query per socket per event. When a member's access
changes (suspension, leaving or removal from a board) their user group gets ``access.changed``
and every socket of theirs checks again and closes if refused; a change to a board (join
policy, deletion) or a topic (move, merge) sends the same to the board's and topic's groups.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.live import user_group
from accounts.models import User
from accounts.permissions import is_verified_member
from core import broadcast, groups
from core.languages import call_in, chosen_language
from core.params import parse_id
from forums import live, permissions
from forums.models import Board, Topic
from forums.queries import membership_of

CLOSE_FORBIDDEN = 4403


def _active_user(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id).first()


def _topic_access(user_id: int | None, topic_id: int) -> tuple[bool, int | None]:
    """Whether the member may read the topic, and the board it is on now."""
    user = _active_user(user_id)
    topic = Topic.objects.select_related("board").filter(pk=topic_id).first()
    if user is None or topic is None:
        return False, None
    board = topic.board
    return permissions.can_view_board(user, board, membership_of(user, board)), board.pk


topic_access = database_sync_to_async(_topic_access)


@database_sync_to_async
def may_view_topic(user_id: int | None, topic_id: int) -> bool:
    return _topic_access(user_id, topic_id)[0]


@database_sync_to_async
def may_view_board(user_id: int | None, board_id: int) -> bool:
    user = _active_user(user_id)
    board = Board.objects.filter(pk=board_id).first()
    if user is None or board is None:
        return False
    return permissions.can_view_board(user, board, membership_of(user, board))


@database_sync_to_async
def is_verified(user_id: int | None) -> bool:
    return is_verified_member(_active_user(user_id))


class MemberConsumer(AsyncJsonWebsocketConsumer):
    """Base: a signed-in member's socket that joins groups and re-checks on access changes."""

    async def connect(self):
        user = self.scope.get("user")
        self.user_id = user.pk if user is not None and user.is_authenticated else None
        # Live events come rendered in each language; this socket sends its reader's.
        self.language = chosen_language(user, self.scope.get("cookies"))
        self.groups_joined: list[str] = []
        if not await self.allowed():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        for group in [user_group(self.user_id), *self.subscriptions()]:
            await groups.join(self.channel_layer, group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()
        await self.after_accept()

    async def allowed(self) -> bool:
        return await is_verified(self.user_id)

    def subscriptions(self) -> list[str]:
        return []

    async def after_accept(self) -> None:
        """Send what the client missed, before live events."""

    async def in_language(self, function, *args):
        """``function(*args)`` in a database thread, in the reader's language (catch-ups
        render the events they return)."""
        return await database_sync_to_async(call_in)(self.language, function, *args)

    async def disconnect(self, code):
        for group in self.groups_joined:
            await groups.leave(self.channel_layer, group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """A frame that is not JSON text (binary, or broken JSON) means nothing here: it is
        ignored rather than ending the socket with an error."""
        if not text_data:
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        """Clients only listen; anything they send is ignored."""

    async def access_changed(self, message):
        if not await self.allowed():
            await self.close(code=CLOSE_FORBIDDEN)

    async def user_event(self, message):
        """The member's own group is joined for ``access.changed``; their counts and badges
        (``user.event``) are for the header's socket, ``/ws/me/``, and the conversations page,
        so other pages' sockets do not carry a frame per notification that nothing reads."""


class TopicConsumer(MemberConsumer):
    """``/ws/topics/<id>/?since=<sequence>`` or ``?after=<post id>``: catch-up, then live."""

    async def allowed(self) -> bool:
        self.topic_id = parse_id(self.scope["url_route"]["kwargs"]["topic_id"])
        allowed, self.board_id = await topic_access(self.user_id, self.topic_id)
        return allowed

    def subscriptions(self) -> list[str]:
        return [live.topic_group(self.topic_id), live.board_access_group(self.board_id)]

    async def access_changed(self, message):
        board_id = self.board_id
        if not await self.allowed():
            await self.close(code=CLOSE_FORBIDDEN)
        elif self.board_id != board_id:
            # Moved to a board this member may read: follow its access changes from now on.
            await groups.leave(
                self.channel_layer, live.board_access_group(board_id), self.channel_name
            )
            self.groups_joined.remove(live.board_access_group(board_id))
            await groups.join(
                self.channel_layer, live.board_access_group(self.board_id), self.channel_name
            )
            self.groups_joined.append(live.board_access_group(self.board_id))

    async def after_accept(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        since = query.get("since", [""])[0]
        after = query.get("after", [""])[0]
        missed = await self.in_language(live.catch_up, self.topic_id, since, after)
        if missed is None:
            await self.send_json({"type": "reload"})
            return
        for event in missed:
            await self.send_json(event)

    async def topic_event(self, message):
        await self.send(text_data=broadcast.event_json(message, self.language))


class BoardConsumer(MemberConsumer):
    """``/ws/boards/<slug>/``: new topics and activity bumps for a board page."""

    async def allowed(self) -> bool:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        board_id = await database_sync_to_async(
            lambda: Board.objects.filter(slug=slug).values_list("pk", flat=True).first()
        )()
        self.board_id = board_id
        return board_id is not None and await may_view_board(self.user_id, board_id)

    def subscriptions(self) -> list[str]:
        return [live.board_group(self.board_id)]

    async def board_event(self, message):
        await self.send(text_data=broadcast.event_json(message, self.language))


class UserConsumer(MemberConsumer):
    """``/ws/me/``: the member's own events (badges and counts in the header)."""

    async def user_event(self, message):
        await self.send(text_data=broadcast.event_json(message, self.language))
