"""Live events about a member's own access, sent to every socket that member has open."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from accounts.models import User


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def member_access_changed(member: User) -> None:
    """Tell the member's open sockets to check their permissions again (suspension, removal)."""
    member_id = member.pk

    def send() -> None:
        layer = get_channel_layer()
        try:
            async_to_sync(layer.group_send)(user_group(member_id), {"type": "access.changed"})
        except Exception:  # noqa: BLE001 - a live hiccup must never undo a committed change
            import logging

            logging.getLogger(__name__).warning("Could not notify sockets of user %s", member_id)

    transaction.on_commit(send)
