"""Who may see and do what on boards. Pure functions: views, consumers, search and
notifications all ask these, so a rule changes in one place.

``membership`` is the user's Membership of the board (or None); callers look it up once with
``forums.queries.membership_of`` and pass it to every check of the same request.
"""

from accounts.permissions import can_moderate_site, is_verified_member
from forums.models import Board, Membership, Post, Topic


def is_active_member(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active


def can_view_board(user, board: Board, membership: Membership | None) -> bool:
    """Knowledge should flow: every verified member reads open and approval boards."""
    if not is_verified_member(user):
        return False
    if board.join_policy == Board.JoinPolicy.INVITE:
        return is_active_member(membership) or can_moderate_site(user)
    return True


def can_moderate_board(user, board: Board, membership: Membership | None) -> bool:
    if not is_verified_member(user):
        return False
    return can_moderate_site(user) or (membership is not None and membership.is_moderator)


def can_join_board(user, board: Board, membership: Membership | None) -> bool:
    """Open boards are joined at once; approval boards take a request. A ban stops both until
    its end date."""
    if not is_verified_member(user) or board.join_policy == Board.JoinPolicy.INVITE:
        return False
    if membership is not None and membership.state == Membership.State.BANNED:
        return not membership.is_banned
    return membership is None or membership.state == Membership.State.REJECTED


def can_accept_invitation(user, board: Board, membership: Membership | None) -> bool:
    return (
        is_verified_member(user)
        and membership is not None
        and membership.state == Membership.State.INVITED
    )


def can_leave_board(user, board: Board, membership: Membership | None) -> bool:
    return (
        user.is_authenticated
        and membership is not None
        and membership.state in (Membership.State.ACTIVE, Membership.State.PENDING)
    )


def can_post_in_board(user, board: Board, membership: Membership | None) -> bool:
    return can_view_board(user, board, membership) and is_active_member(membership)


def can_reply(user, topic: Topic, membership: Membership | None) -> bool:
    if not can_post_in_board(user, topic.board, membership):
        return False
    return not topic.is_locked or can_moderate_board(user, topic.board, membership)


def can_edit_post(user, post: Post, membership: Membership | None) -> bool:
    """Authors edit their own posts while they still belong to the board."""
    if post.is_deleted or post.author_id != getattr(user, "pk", None):
        return False
    return can_reply(user, post.topic, membership)


def can_delete_post(user, post: Post, membership: Membership | None) -> bool:
    return can_edit_post(user, post, membership)


def can_accept_answer(user, topic: Topic, membership: Membership | None) -> bool:
    if not can_view_board(user, topic.board, membership):
        return False
    is_asker = topic.author_id == user.pk and is_active_member(membership)
    return is_asker or can_moderate_board(user, topic.board, membership)


def can_mark_helpful(user, post: Post, membership: Membership | None) -> bool:
    """Any verified reader may thank an author, but not themselves."""
    return (
        can_view_board(user, post.topic.board, membership)
        and post.author_id != user.pk
        and not post.is_deleted
    )


# --- Moderation ---------------------------------------------------------------------------------


def can_view_post(user, post: Post, membership: Membership | None) -> bool:
    """A hidden post is seen only by its author and the board's moderators; others get a
    placeholder. ``membership`` is the user's membership of the post's board."""
    if not post.is_hidden:
        return True
    if user is None or not is_verified_member(user):
        return False
    return (
        post.author_id == user.pk
        or can_moderate_site(user)
        or (membership is not None and membership.is_moderator)
    )


def can_flag_post(user, post: Post, membership: Membership | None) -> bool:
    """Any reader may flag someone else's post for the moderators."""
    return (
        can_view_board(user, post.topic.board, membership)
        and post.author_id != user.pk
        and not post.is_deleted
        and not post.is_redacted
    )


def can_moderate_post(user, post: Post, membership: Membership | None) -> bool:
    return can_moderate_board(user, post.topic.board, membership)


def can_manage_member(user, board: Board, membership: Membership | None, target) -> bool:
    """Remove or ban ``target`` (a Membership). Acting on a fellow board moderator, or on
    oneself, is for site moderators: a dispute between moderators goes one level up."""
    if not can_moderate_board(user, board, membership):
        return False
    if target.user_id == user.pk:
        return False
    if target.user.is_superuser:
        return False
    return target.role != Membership.Role.MODERATOR or can_moderate_site(user)


def can_change_role(user, board: Board, membership: Membership | None, target) -> bool:
    """Board moderators promote members and may step down; demoting others is for site
    moderators."""
    if not can_moderate_board(user, board, membership) or not target.is_active:
        return False
    if target.role == Membership.Role.MEMBER:
        return True
    return target.user_id == user.pk or can_moderate_site(user)


def can_move_topic(user, topic: Topic, membership, destination: Board, destination_membership):
    """Moving needs the right to moderate both boards."""
    return can_moderate_board(user, topic.board, membership) and can_moderate_board(
        user, destination, destination_membership
    )


def can_create_board(user) -> bool:
    return can_moderate_site(user)
