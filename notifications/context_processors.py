"""The unread count of the header badge: one cheap query, only when a page shows the badge."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts.permissions import is_verified_member
from notifications.queries import unread_count


def notification_count(request) -> dict:
    user = getattr(request, "user", None)
    if not is_verified_member(user):
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
        "notification_counts_pushed": worker_events_reach_pages(),
    }


def worker_events_reach_pages() -> bool:
    """Whether the badge counts that the task worker sends reach open pages. The worker is a
    process of its own: only a shared channel layer (Redis) carries its events to the web
    process. With the in-memory layer of the embedded default the page polls instead."""
    in_memory = settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")
    in_request = settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
    return not in_memory or in_request
