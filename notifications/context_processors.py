"""The unread count of the header badge: one cheap query, only when a page shows the badge."""

from django.utils.functional import SimpleLazyObject

from accounts.permissions import is_verified_member
from notifications.queries import unread_count


def notification_count(request) -> dict:
    user = getattr(request, "user", None)
    if not is_verified_member(user):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
