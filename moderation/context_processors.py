"""For every page: the pending moderation work of the header (computed only for moderators, in
one query) and whether the user moderates the site (``accounts.permissions``, no query), so
that templates ask the permission function instead of reading role flags."""

from django.utils.functional import SimpleLazyObject

from accounts.permissions import can_moderate_site
from moderation.queries import header_counts


def moderation_counts(request) -> dict:
    if not hasattr(request, "user"):
        return {}
    return {
        "moderation_counts": SimpleLazyObject(lambda: header_counts(request) or {}),
        "can_moderate_site": can_moderate_site(request.user),
    }
