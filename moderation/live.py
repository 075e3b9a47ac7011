"""Live events about moderators' pending work (join requests, flags, applicants)."""

from django.urls import reverse

from accounts.live import user_event


def moderation_counts_changed(user_ids) -> None:
    """Tell moderators that their pending work changed.

    Each of their pages gets ``{"type": "moderation.counts", "url": "/moderation/counts/"}``
    on the user group; the page fetches ``url`` (JSON ``{"requests", "flags",
    "verification", "total"}``, computed for that moderator) and updates the header badge
    ``[data-moderation-count]``. Without a live channel the counts refresh on the next page.
    """
    user_event(user_ids, {"type": "moderation.counts", "url": reverse("moderation:counts")})
