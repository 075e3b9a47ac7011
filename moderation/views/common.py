"""What every moderation view needs: the board it acts on."""

from django.http import Http404

from forums import access, permissions


def moderated_board(request, slug: str):
    """The board and the moderator's membership, or a 404 for anyone who may not moderate it:
    a moderation address tells nothing about what exists to those who cannot use it."""
    board, membership = access.readable_board(request.user, slug)
    if not permissions.can_moderate_board(request.user, board, membership):
        raise Http404
    return board, membership
