"""What every moderation view needs: the board it acts on."""

from django.core.exceptions import PermissionDenied

from forums import access, permissions


def moderated_board(request, slug: str):
    """The board and the moderator's membership: 404 for a board the user cannot see, 403 for
    one they can see but not moderate."""
    board, membership = access.readable_board(request.user, slug)
    if not permissions.can_moderate_board(request.user, board, membership):
        raise PermissionDenied
    return board, membership
