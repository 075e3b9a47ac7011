"""Live events for one member, sent to every page and socket they have open (their user group).

``{"type": "access.changed"}`` makes each socket check its permissions again (suspension,
removal from a board); ``{"type": "user.event", "event": {...}}`` is forwarded to the member's
pages (unread counts, moderators' pending work). Both are sent after the commit.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from accounts.models import User

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _send_after_commit(user_id: int, message: dict) -> None:
    def send() -> None:
        try:
            async_to_sync(get_channel_layer().group_send)(user_group(user_id), message)
        except Exception:
            logger.warning("Live event to user %s was not sent", user_id, exc_info=True)

    transaction.on_commit(send)


def member_access_changed(member: User) -> None:
    """Tell the member's open sockets to check their permissions again (suspension, removal)."""
    _send_after_commit(member.pk, {"type": "access.changed"})


def user_event(user_ids, event: dict) -> None:
    """Send an event to every open page of these members (badges, counts)."""
    for user_id in set(user_ids):
        _send_after_commit(user_id, {"type": "user.event", "event": event})
