"""Pending moderation work for the header: computed only for moderators, in one query."""

from django.utils.functional import SimpleLazyObject

from moderation.queries import header_counts


def moderation_counts(request) -> dict:
    if not hasattr(request, "user"):
        return {}
    return {"moderation_counts": SimpleLazyObject(lambda: header_counts(request) or {})}
