"""Who may see and do what with progress tables and polls. Pure functions, asked by the views,
the exports, the live socket and the catch-up alike.

Tables, like meetings, are for the board's own members: every verified member may read an open
board's topics, but figures that organisations compare among themselves are shown to the
board's active members (and site moderators) only. Everyone else gets a 404.
"""

from accounts.permissions import can_moderate_site
from forums.permissions import can_moderate_board, can_view_board, is_active_member
from progress.models import BoardProgressSettings


def can_view_members_area(user, board, membership) -> bool:
    """The board's members-only pages: meetings, progress tables, polls, their exports."""
    if not can_view_board(user, board, membership):
        return False
    return is_active_member(membership) or can_moderate_site(user)


def can_define_table(user, board, membership, defined_by: str) -> bool:
    """``defined_by`` is the board's setting (``BoardProgressSettings.DefinedBy``)."""
    if can_moderate_board(user, board, membership):
        return True
    if defined_by == BoardProgressSettings.DefinedBy.MODERATORS:
        return False
    return can_view_board(user, board, membership) and is_active_member(membership)


def can_change_settings(user, board, membership) -> bool:
    return can_moderate_board(user, board, membership)


def can_manage_table(user, table, membership) -> bool:
    """The table's author (while a member) or the board's moderators: close it, see who has
    not answered."""
    if not can_view_members_area(user, table.board, membership):
        return False
    is_author = table.author_id == user.pk and is_active_member(membership)
    return is_author or can_moderate_board(user, table.board, membership)


def can_edit_row(user, table, membership) -> bool:
    """A member enters their own organisation's row (one per organisation) while the table is
    open. Members without an organisation on record have no row."""
    return (
        can_view_board(user, table.board, membership)
        and is_active_member(membership)
        and user.municipality_id is not None
        and not table.is_closed
    )
