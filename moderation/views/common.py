"""What every moderation view needs: the board it acts on, and turning service errors into
messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from forums import access, permissions


def moderated_board(request, slug: str):
    """The board and the moderator's membership, or a 404 for anyone who may not moderate it:
    a moderation address tells nothing about what exists to those who cannot use it."""
    board, membership = access.readable_board(request.user, slug)
    if not permissions.can_moderate_board(request.user, board, membership):
        raise Http404
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
