"""Board membership decisions: join requests, removal, bans, moderator roles and invitations."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_verified_member
from forums import curation, permissions
from forums.models import Board, Membership
from forums.queries import membership_of
from moderation import audit, notify, queries
from moderation.audit import Action
from moderation.live import moderation_counts_changed


def _require_moderator(actor, board: Board) -> Membership | None:
    membership = membership_of(actor, board)
    if not permissions.can_moderate_board(actor, board, membership):
        raise PermissionDenied(_("Only the moderators of this board can do this."))
    return membership


def _counts_changed(board: Board) -> None:
    moderation_counts_changed(queries.moderator_ids(board))


@transaction.atomic
def approve_requests(actor, board: Board, membership_ids) -> list[Membership]:
    """Approve the selected join requests; requests already decided are skipped."""
    _require_moderator(actor, board)
    pending = list(
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "board")
        .filter(board=board, pk__in=list(membership_ids), state=Membership.State.PENDING)
    )
    curation.approve_requests(actor, pending)
    for membership in pending:
        audit.record(
            actor,
            Action.MEMBERSHIP_APPROVED,
            board=board,
            target_user=membership.user,
            before={"state": Membership.State.PENDING},
            after={"state": Membership.State.ACTIVE},
        )
        notify.join_request_approved(actor, membership)
    if pending:
        _counts_changed(board)
    return pending


@transaction.atomic
def reject_request(actor, membership: Membership, message: str) -> Membership:
    board = membership.board
    _require_moderator(actor, board)
    message = message.strip()
    if not message:
        raise ValidationError(_("Write a message; the member receives it by e-mail."))
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=membership.pk)
    )
    if membership.state != Membership.State.PENDING:
        return membership
    curation.reject_request(actor, membership, message)
    audit.record(
        actor,
        Action.MEMBERSHIP_REJECTED,
        board=board,
        target_user=membership.user,
        reason=message,
        before={"state": Membership.State.PENDING},
        after={"state": Membership.State.REJECTED},
    )
    notify.join_request_rejected(actor, membership, message)
    _counts_changed(board)
    return membership


def _require_manage(actor, board: Board, target: Membership) -> None:
    if not permissions.can_manage_member(actor, board, membership_of(actor, board), target):
        raise PermissionDenied(
            _("You cannot do this to this member. Board moderators are managed by site moderators.")
        )


@transaction.atomic
def remove_member(actor, membership: Membership, reason: str) -> None:
    """Take someone out of a board; they may join (or ask) again. A ban keeps them out."""
    board = membership.board
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=membership.pk)
    )
    _require_manage(actor, board, membership)
    if membership.state != Membership.State.ACTIVE:
        return
    reason = reason.strip()
    curation.remove_member(membership)
    audit.record(
        actor,
        Action.MEMBERSHIP_REMOVED,
        board=board,
        target_user=membership.user,
        reason=reason,
        before={"state": Membership.State.ACTIVE, "role": membership.role},
    )
    notify.member_removed(actor, membership.user, board, reason)
    if membership.role == Membership.Role.MODERATOR:
        queries.role_changed(membership.user_id)


@transaction.atomic
def ban_member(actor, board: Board, user, reason: str, until: datetime | None = None) -> Membership:
    """Keep someone out of a board (no posting, no joining) until ``until``, or for good."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write the reason for the ban; the member receives it."))
    if until is not None and until <= timezone.now():
        raise ValidationError(_("The end of the ban must be in the future."))
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(user=user, board=board)
        .first()
    ) or Membership(user=user, board=board, state=Membership.State.BANNED)
    if membership.pk:
        _require_manage(actor, board, membership)
    else:
        _require_moderator(actor, board)
        if user.pk == actor.pk:
            raise PermissionDenied(_("You cannot ban yourself."))
    before = {"state": membership.state if membership.pk else None, "role": membership.role}
    if membership.pk and membership.is_banned and membership.banned_until == until:
        return membership  # the same ban again: nothing changes
    membership = curation.ban_member(
        actor, board, user, membership if membership.pk else None, reason, until
    )
    audit.record(
        actor,
        Action.MEMBERSHIP_BANNED,
        board=board,
        target_user=user,
        reason=reason,
        before=before,
        after={"state": Membership.State.BANNED, "until": until.isoformat() if until else None},
    )
    notify.member_banned(actor, membership, reason)
    if before["role"] == Membership.Role.MODERATOR:
        queries.role_changed(user.pk)
    return membership


@transaction.atomic
def unban_member(actor, board: Board, user) -> None:
    _require_moderator(actor, board)
    membership = (
        Membership.objects.select_for_update()
        .filter(user=user, board=board, state=Membership.State.BANNED)
        .first()
    )
    if membership is None:
        return
    curation.lift_ban(membership)
    audit.record(
        actor,
        Action.MEMBERSHIP_UNBANNED,
        board=board,
        target_user=user,
        before={"state": Membership.State.BANNED},
    )
    notify.member_unbanned(actor, user, board)


@transaction.atomic
def set_moderator(actor, membership: Membership, make_moderator: bool) -> Membership:
    """Promote a member to board moderator, or demote one (stepping down included)."""
    board = membership.board
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=membership.pk)
    )
    if not permissions.can_change_role(actor, board, membership_of(actor, board), membership):
        raise PermissionDenied(_("You cannot change this member's role."))
    role = Membership.Role.MODERATOR if make_moderator else Membership.Role.MEMBER
    if membership.role == role:
        return membership
    before = {"role": membership.role}
    curation.set_role(membership, role)
    audit.record(
        actor,
        Action.MEMBERSHIP_PROMOTED if make_moderator else Action.MEMBERSHIP_DEMOTED,
        board=board,
        target_user=membership.user,
        before=before,
        after={"role": role},
    )
    notify.moderator_role_changed(actor, membership)
    queries.role_changed(membership.user_id)
    moderation_counts_changed([membership.user_id])
    return membership


@transaction.atomic
def invite_member(actor, board: Board, user) -> Membership:
    """Invite a verified member; they accept on the board page."""
    _require_moderator(actor, board)
    if not is_verified_member(user):
        raise ValidationError(_("Only verified members can be invited."))
    membership = Membership.objects.select_for_update().filter(user=user, board=board).first()
    if membership is not None:
        if membership.state in (Membership.State.ACTIVE, Membership.State.INVITED):
            return membership
        if membership.is_banned:
            raise ValidationError(_("This member is banned from the board; lift the ban first."))
    before = {"state": membership.state if membership else None}
    was_pending = membership is not None and membership.state == Membership.State.PENDING
    membership = curation.invite_member(actor, board, user, membership)
    audit.record(
        actor,
        Action.MEMBERSHIP_INVITED,
        board=board,
        target_user=user,
        before=before,
        after={"state": Membership.State.INVITED},
    )
    notify.member_invited(actor, membership)
    if was_pending:
        _counts_changed(board)
    return membership
