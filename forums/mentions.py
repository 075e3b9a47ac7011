"""@mentions: which members a text names.

A mention is ``@`` (or ``＠``) followed by a member's display name exactly as shown. Display
names may hold spaces and Japanese, so no word boundary ends a name: at each ``@`` the longest
display name of the people who can be named that the text continues with wins, so
``@田中 太郎さん`` names 「田中 太郎」 rather than 「田中」. The ``@`` must not follow a letter,
digit or ``.-_+%`` (an e-mail address is not a mention), and code spans and blocks are ignored.
A display name shared by two such people names nobody: telling the wrong person is worse than
telling no one. On a board, the people who can be named are its active members; in a private
conversation, its participants. The same rules decide whom a mention notifies
(``notifications``) and which names a post's HTML links to the member's profile
(``forums.markdown``).
"""

import re

from forums.models import Board, Membership

MAX_MENTIONS = 20
DISPLAY_NAME_LENGTH = 30  # accounts.User.display_name max_length

CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.DOTALL)
MENTION_START = re.compile(r"(?<![A-Za-z0-9._%+\-])[@＠]")


def texts_after_at_signs(body: str) -> list[str]:
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


def named_in(texts: list[str], members: dict[str, list[int]]) -> dict[str, int | None]:
    """Display name → member id of each name the texts after ``@`` use, by the rules above;
    None for a name two people share (it names nobody, and no shorter name inside it does)."""
    named: dict[str, int | None] = {}
    for text in texts:
        names = [name for name in members if text.startswith(name)]
        if names:
            longest = max(names, key=len)
            named[longest] = members[longest][0] if len(members[longest]) == 1 else None
    return named


def named_ids(named: dict[str, int | None]) -> set[int]:
    return {user_id for user_id in named.values() if user_id is not None}


def named_on_board(body: str, board: Board) -> dict[str, int | None]:
    """The active members of ``board`` that ``body`` names (one query, however many)."""
    texts = texts_after_at_signs(body)
    prefixes = {text[:length] for text in texts for length in range(1, len(text) + 1)}
    prefixes = {prefix for prefix in prefixes if prefix.strip()}
    if not prefixes:
        return {}
    return named_in(texts, _active_members_named(board, prefixes))
