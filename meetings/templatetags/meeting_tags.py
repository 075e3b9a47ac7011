"""Meetings on other apps' pages: the board page's box and the home page's "this week"."""

from django import template

from meetings import permissions
from meetings.queries import board_box, boards_box, this_week_for
from meetings.text import when_text

register = template.Library()


@register.filter
def meeting_when(meeting) -> str:
    return when_text(meeting)


@register.inclusion_tag("meetings/_board_meetings.html", takes_context=True)
def board_meetings_box(context, board, membership):
    """The next meetings of a board, for its members only (one query; nothing for others)."""
    user = context["user"]
    show = permissions.can_view_meetings(user, board, membership)
    return {
        "show": show,
        "board": board,
        "meetings": board_box(board, user) if show else [],
        "can_schedule": permissions.can_schedule_meeting(user, board, membership),
    }


@register.inclusion_tag("meetings/_this_week.html", takes_context=True)
def meetings_this_week(context):
    return {"meetings": this_week_for(context["user"])}


@register.inclusion_tag("meetings/_field_meetings.html", takes_context=True)
def field_meetings(context, boards):
    """A field's page: upcoming meetings of its boards that the member may see. ``boards``
    are the page's ``(entry, can_join)`` pairs (``entry.board``, ``entry.membership``). One
    query, none when the member belongs to none of the boards."""
    user = context["user"]
    visible = [
        entry.board.pk
        for entry, _can_join in boards
        if permissions.can_view_meetings(user, entry.board, entry.membership)
    ]
    return {"meetings": boards_box(visible, user)}
