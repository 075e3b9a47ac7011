"""Who may see and do what with exchange meetings. Pure functions, asked by views, the
calendar feeds, the home page and the reminders alike.

Meetings are for the board's own members: on an open board every verified member may read the
topics, but the meetings (their links, who attends) are shown to active members only, and to
site moderators (the same rule as progress tables: ``can_view_members_area``).
"""

from accounts.permissions import is_verified_member
from forums.permissions import can_moderate_board, can_view_board, is_active_member
from progress.permissions import can_view_members_area


def can_view_meetings(user, board, membership) -> bool:
    return can_view_members_area(user, board, membership)


def can_schedule_meeting(user, board, membership) -> bool:
    return can_view_board(user, board, membership) and is_active_member(membership)


def can_manage_meeting(user, meeting, membership) -> bool:
    """The host (while still a member) or the board's moderators move and cancel it."""
    if not can_view_meetings(user, meeting.board, membership):
        return False
    is_host = meeting.host_id == user.pk and is_active_member(membership)
    return is_host or can_moderate_board(user, meeting.board, membership)


def can_answer_rsvp(user, meeting, membership) -> bool:
    return (
        is_verified_member(user)
        and can_view_board(user, meeting.board, membership)
        and is_active_member(membership)
        and not meeting.is_cancelled
        and not meeting.is_over
    )
