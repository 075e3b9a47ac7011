"""@mentions: whom a post names, and whom to offer while someone types ``@``.

Who is named follows the rules of ``forums.mentions`` (the longest display name after ``@``,
never an e-mail address or code, never an ambiguous name); the same rules link the names in a
post's HTML. The autocomplete shows municipalities to tell people with similar names apart.
"""

from accounts.faces import avatar_data
from forums import mentions
from forums.mentions import DISPLAY_NAME_LENGTH
from forums.models import Board, Membership

AUTOCOMPLETE_LIMIT = 8


def mentioned_user_ids(body: str, board: Board) -> set[int]:
    """The members of ``board`` that ``body`` mentions (one query, however many mentions)."""
    return mentions.named_ids(mentions.named_on_board(body, board))


def mentioned_among(body: str, members: dict[str, list[int]]) -> set[int]:
    """Who of a known set of people ``body`` mentions, by the same rules; ``members`` maps
    display names to ids (e.g. a private conversation's participants: nobody else is
    reached)."""
    return mentions.named_ids(mentions.named_in(mentions.texts_after_at_signs(body), members))


def mention_candidates(board: Board, prefix: str) -> list[dict]:
    """Active members of the board whose display name starts with ``prefix``, for the
    autocomplete: the people who can read the topic and whom a mention would reach."""
    prefix = prefix.strip()[:DISPLAY_NAME_LENGTH]
    members = (
        Membership.objects.filter(board=board, state=Membership.State.ACTIVE)
        .filter(user__is_active=True, user__status="verified")
        .select_related("user__municipality")
        .order_by("user__display_name", "user_id")
    )
    if prefix:
        members = members.filter(user__display_name__istartswith=prefix)
    return [
        {
            "display_name": membership.user.display_name,
            "full_name": membership.user.full_name,
            "municipality": str(membership.user.municipality or ""),
            "avatar": avatar_data(membership.user),
        }
        for membership in members[:AUTOCOMPLETE_LIMIT]
    ]
