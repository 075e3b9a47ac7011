"""@mentions: whom a post names, and whom to offer while someone types ``@``.

A mention is ``@`` (or ``＠``) followed by a member's display name exactly as shown. Display
names may hold spaces and Japanese, so no word boundary ends a name: at each ``@`` the longest
display name of an active member of the board that the text continues with wins, so
``@田中 太郎さん`` names 「田中 太郎」 rather than 「田中」. The ``@`` must not follow a letter,
digit or ``.-_+%`` (an e-mail address is not a mention), and code spans and blocks are ignored.
A display name shared by two members of the board names nobody: telling the wrong person is
worse than telling no one, and the autocomplete shows municipalities to tell them apart.
"""

import re

from accounts.faces import avatar_data
from forums.models import Board, Membership

MAX_MENTIONS = 20
DISPLAY_NAME_LENGTH = 30  # accounts.User.display_name max_length
AUTOCOMPLETE_LIMIT = 8

CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.DOTALL)
MENTION_START = re.compile(r"(?<![A-Za-z0-9._%+\-])[@＠]")


def _texts_after_at_signs(body: str) -> list[str]:
    text = CODE.sub(" ", body)
    return [
        text[match.end() : match.end() + DISPLAY_NAME_LENGTH]
        for match in MENTION_START.finditer(text)
    ][:MAX_MENTIONS]


def _active_members_named(board: Board, names: set[str]) -> dict[str, list[int]]:
    rows = Membership.objects.filter(
        board=board, state=Membership.State.ACTIVE, user__display_name__in=names
    ).values_list("user__display_name", "user_id")
    members: dict[str, list[int]] = {}
    for name, user_id in rows:
        members.setdefault(name, []).append(user_id)
    return members


def mentioned_user_ids(body: str, board: Board) -> set[int]:
    """The members of ``board`` that ``body`` mentions (one query, however many mentions)."""
    texts = _texts_after_at_signs(body)
    prefixes = {text[:length] for text in texts for length in range(1, len(text) + 1)}
    prefixes = {prefix for prefix in prefixes if prefix.strip()}
    if not prefixes:
        return set()
    return _named_in(texts, _active_members_named(board, prefixes))


def mentioned_among(body: str, members: dict[str, list[int]]) -> set[int]:
    """Who of a known set of people ``body`` mentions, by the same rules; ``members`` maps
    display names to ids (e.g. a private conversation's participants: nobody else is
    reached)."""
    return _named_in(_texts_after_at_signs(body), members)


def _named_in(texts: list[str], members: dict[str, list[int]]) -> set[int]:
    mentioned: set[int] = set()
    for text in texts:
        names = [name for name in members if text.startswith(name)]
        if names:
            longest = max(names, key=len)
            if len(members[longest]) == 1:
                mentioned.add(members[longest][0])
    return mentioned


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
