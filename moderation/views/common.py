"""What every moderation view needs: the board it acts on, and turning service errors into
messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from forums import permissions
from forums.models import Board
from forums.queries import membership_of


def moderated_board(request, slug: str):
    """The board and the moderator's membership: 404 for a board the user cannot see, 403 for
    one they can see but not moderate."""
    board = get_object_or_404(Board.objects.select_related("field"), slug=slug)
    membership = membership_of(request.user, board)
    if not permissions.can_view_board(request.user, board, membership):
        raise Http404
    if not permissions.can_moderate_board(request.user, board, membership):
        raise PermissionDenied
    return board, membership


def run(request, action, success: str = "") -> bool:
    """Call a service; report refusals and invalid input as messages instead of error pages."""
    try:
        action()
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        return False
    if success:
        messages.success(request, success)
    return True
