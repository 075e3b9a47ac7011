"""Live events for one member, sent to every page and socket they have open (their user group).

``{"type": "access.changed"}`` makes each socket check its permissions again (suspension,
removal from a board); ``{"type": "user.event", "event": {...}}`` is forwarded to the member's
pages (unread counts, moderators' pending work). Both are sent after the commit.
"""

import logging

from django.db import transaction

from accounts.models import User
from core import broadcast

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _send_after_commit(user_id: int, message: dict) -> None:
    transaction.on_commit(lambda: broadcast.send(user_group(user_id), message))


def member_access_changed(member: User) -> None:
    """Tell the member's open sockets to check their permissions again (suspension, removal)."""
    _send_after_commit(member.pk, {"type": "access.changed"})


def user_event(user_ids, event: dict) -> None:
    """Send an event to every open page of these members (badges, counts)."""
    user_events(dict.fromkeys(user_ids, event))


def user_events(events_by_user: dict) -> None:
    """A (possibly different) event to each member's pages, all handed over by one callback
    after the commit (``core.broadcast.send_many``): a reply with 500 watchers is one hop into
    async, not 500."""
    if not events_by_user:
        return

    messages = [
        (user_group(user_id), {"type": "user.event", "event": event})
        for user_id, event in events_by_user.items()
    ]
    transaction.on_commit(lambda: broadcast.send_many(messages))
