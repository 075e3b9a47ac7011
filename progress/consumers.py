"""``/ws/progress/<id>/?since=<sequence>``: a table's rows as they are saved.

Admitted by ``progress.permissions.can_view_members_area`` like the page; catch-up first, then
live events; ``access.changed`` (to the member, or to the table's board) makes it check again
(``MemberConsumer``)."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from accounts.models import User
from core import broadcast
from core.params import parse_id
from forums.consumers import MemberConsumer
from forums.live import board_access_group
from forums.queries import membership_of
from progress import live, permissions
from progress.models import ProgressTable


def _table_access(user_id: int | None, table_id: int) -> tuple[bool, int | None]:
    """Whether the member may see the table, and its board."""
    user = User.objects.filter(pk=user_id).first() if user_id else None
    table = ProgressTable.objects.select_related("board").filter(pk=table_id).first()
    if user is None or table is None:
        return False, None
    board = table.board
    return permissions.can_view_members_area(user, board, membership_of(user, board)), board.pk


table_access = database_sync_to_async(_table_access)


async def may_view_table(user_id: int | None, table_id: int) -> bool:
    return (await table_access(user_id, table_id))[0]


class TableConsumer(MemberConsumer):
    async def allowed(self) -> bool:
        self.table_id = parse_id(self.scope["url_route"]["kwargs"]["table_id"])
        allowed, self.board_id = await table_access(self.user_id, self.table_id)
        return allowed

    def subscriptions(self) -> list[str]:
        return [live.table_group(self.table_id), board_access_group(self.board_id)]

    async def after_accept(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        since = query.get("since", [""])[0][:20]
        missed = await self.in_language(live.catch_up, self.table_id, since)
        if missed is None:
            await self.send_json({"type": "reload"})
            return
        for event in missed:
            await self.send_json(event)

    async def progress_event(self, message):
        await self.send(text_data=broadcast.event_json(message, self.language))
