"""Progress tables on other apps' pages: the board page's box."""

from django import template

from progress import permissions
from progress.queries import open_tables_for_board

register = template.Library()


@register.inclusion_tag("progress/_board_progress.html", takes_context=True)
def board_progress_box(context, board, membership):
    """The board's open tables and polls, for its members only (one query; none for others)."""
    show = permissions.can_view_members_area(context["user"], board, membership)
    return {"board": board, "show": show, "tables": open_tables_for_board(board) if show else []}
