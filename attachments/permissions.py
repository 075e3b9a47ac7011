"""Who may upload, see and remove attachments. Pure functions: a file is as private as the post
it belongs to, so every check goes through the forums' own permission functions.

``membership`` is the user's Membership of the attachment's board (or None); for a file of a
private message it is the user's seat in that conversation (``conversations.Participant``).
"""

from accounts.permissions import can_moderate_site, is_verified_member
from attachments.owners import message_rules
from forums import permissions as forum_permissions


def can_upload(user, board, membership) -> bool:
    return forum_permissions.can_post_in_board(user, board, membership)


def can_upload_privately(user) -> bool:
    """Files for private messages: any verified member (the conversation decides who reads)."""
    return is_verified_member(user)


def _can_view_message_file(user, attachment, seat) -> bool:
    if not message_rules().can_view(user, seat):
        return False
    if attachment.message.is_deleted or attachment.scan == attachment.Scan.INFECTED:
        return False
    return attachment.is_released or attachment.uploader_id == user.pk


def can_view_attachment(user, attachment, membership) -> bool:
    """Pending files: their uploader only. Attached files: whoever may read the post as it is
    now (a deleted or redacted post takes its files with it; a hidden post's files stay with
    its author and the moderators). Until the malware scan is done, only the uploader."""
    if not is_verified_member(user):
        return False
    if attachment.is_pending:
        return attachment.uploader_id == user.pk
    if attachment.message_id is not None:
        return _can_view_message_file(user, attachment, membership)
    post = attachment.post
    board = post.topic.board
    if not forum_permissions.can_view_board(user, board, membership):
        return False
    if post.is_deleted or post.is_redacted:
        return False
    if not forum_permissions.can_view_post(user, post, membership):
        return False
    if attachment.scan == attachment.Scan.INFECTED:
        return False
    return attachment.is_released or attachment.uploader_id == user.pk


def can_remove_attachment(user, attachment, membership) -> bool:
    """The author while they may still edit the post, and the board's moderators."""
    if not is_verified_member(user):
        return False
    if attachment.is_pending:
        return attachment.uploader_id == user.pk
    if attachment.message_id is not None:
        return message_rules().can_edit(user, attachment.message, membership)
    post = attachment.post
    return forum_permissions.can_edit_post(
        user, post, membership
    ) or forum_permissions.can_moderate_post(user, post, membership)


def can_set_board_file_policy(user, board, membership) -> bool:
    return forum_permissions.can_moderate_board(user, board, membership)


def can_view_file_usage(user) -> bool:
    return can_moderate_site(user)


def can_view_avatar(user, member) -> bool:
    return is_verified_member(user) or getattr(user, "pk", None) == member.pk


def can_change_avatar(user, member) -> bool:
    return getattr(user, "pk", None) == member.pk and user.is_active


def can_remove_avatar(user, member) -> bool:
    return can_change_avatar(user, member) or (can_moderate_site(user) and not member.is_superuser)
