"""The header's count of conversations with unread messages: one cheap query, only when a page
shows it (a verified member's header)."""

from django.utils.functional import SimpleLazyObject

from accounts.permissions import is_verified_member
from conversations.queries import unread_conversations


def conversation_count(request) -> dict:
    user = getattr(request, "user", None)
    if not is_verified_member(user):
        return {}
    return {"unread_conversations": SimpleLazyObject(lambda: unread_conversations(user))}
