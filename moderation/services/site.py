"""Site moderators' decisions on members: verification (approve, reject), municipality
e-mail domains, suspension and reinstatement.

``accounts`` owns the member's state and changes it through its verbs; this module checks the
permission, writes the audit entry and tells the member (``notifications``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts import services as accounts
from accounts.models import MunicipalityDomain, User
from moderation import audit
from moderation.audit import Action
from notifications.services import notify_verification_decided


def _require_reviewer(actor: User) -> None:
    if not permissions.can_review_verification(actor):
        raise PermissionDenied(_("Only site moderators review members."))


def _locked(member: User) -> User:
    return User.objects.select_for_update().get(pk=member.pk)


@transaction.atomic
def approve_member(actor: User, member: User, *, register_domain: bool = False) -> User:
    """Verify an applicant (or confirm a verified member listed for a check) one person at a
    time; optionally register their e-mail domain to their municipality, under the same rules
    as every other door (``register_municipality_domain``)."""
    _require_reviewer(actor)
    member = _locked(member)
    if register_domain:
        register_municipality_domain(actor, member.municipality, member.email_domain)
    listed_for_a_check = member.needs_recheck or member.domain_mismatch
    if accounts.verify_member(actor, member):
        audit.record(
            actor, Action.USER_APPROVED, target_user=member, after={"status": User.Status.VERIFIED}
        )
        notify_verification_decided(member, approved=True)
    elif listed_for_a_check:
        audit.record(actor, Action.USER_RECHECKED, target_user=member)
    return member


@transaction.atomic
def reject_member(actor: User, member: User, reason: str) -> User:
    _require_reviewer(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write the reason; the applicant receives it by e-mail."))
    member = _locked(member)
    accounts.decline_member(actor, member, reason)
    audit.record(
        actor,
        Action.USER_REJECTED,
        target_user=member,
        reason=reason,
        after={"status": User.Status.REJECTED},
    )
    notify_verification_decided(member, approved=False, reason=reason)
    return member


@transaction.atomic
def register_municipality_domain(actor: User, municipality, domain: str) -> MunicipalityDomain:
    """Register a domain so that colleagues who sign up with it are verified automatically; the
    one door for the review queue and the profile page. A domain outside lg.jp / go.jp is only
    proposed until a second site moderator confirms it (``accounts.verification``)."""
    _require_reviewer(actor)
    registration, created = accounts.register_domain(actor, municipality, domain)
    if created:
        audit.record(
            actor,
            Action.DOMAIN_REGISTERED if registration.in_effect else Action.DOMAIN_PROPOSED,
            label=registration.domain,
            after={"municipality": str(municipality)},
        )
    return registration


@transaction.atomic
def confirm_municipality_domain(actor: User, registration: MunicipalityDomain) -> None:
    """A second site moderator puts a proposed domain into effect."""
    _require_reviewer(actor)
    if accounts.confirm_domain(actor, registration):
        audit.record(
            actor,
            Action.DOMAIN_CONFIRMED,
            label=registration.domain,
            after={"municipality": str(registration.municipality)},
        )


@transaction.atomic
def remove_municipality_domain(actor: User, registration: MunicipalityDomain, reason: str) -> int:
    """Take a domain out of the registry; the members it verified keep access and are listed
    in the review queue for a check. Returns how many."""
    _require_reviewer(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write why the domain is removed."))
    registration = MunicipalityDomain.objects.select_for_update().get(pk=registration.pk)
    domain, municipality = registration.domain, str(registration.municipality)
    to_check = accounts.remove_domain(registration)
    audit.record(
        actor,
        Action.DOMAIN_REMOVED,
        label=domain,
        reason=reason,
        before={"municipality": municipality},
        after={"members_to_check": to_check},
    )
    return to_check


@transaction.atomic
def suspend_member(actor: User, member: User, reason: str) -> User:
    if not permissions.can_suspend(actor, member):
        raise PermissionDenied(_("You cannot suspend this member."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write the reason for the suspension."))
    member = _locked(member)
    before = accounts.suspend(actor, member, reason)
    if before is not None:
        audit.record(
            actor,
            Action.USER_SUSPENDED,
            target_user=member,
            reason=reason,
            before={"status": before},
            after={"status": User.Status.SUSPENDED},
        )
    return member


@transaction.atomic
def reinstate_member(actor: User, member: User) -> User:
    if not permissions.can_suspend(actor, member):
        raise PermissionDenied(_("You cannot reinstate this member."))
    member = _locked(member)
    if accounts.reinstate(actor, member):
        audit.record(
            actor,
            Action.USER_REINSTATED,
            target_user=member,
            before={"status": User.Status.SUSPENDED},
            after={"status": User.Status.VERIFIED},
        )
    return member
