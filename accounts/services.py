"""Every write to members: verification, review decisions, suspension and profile changes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import live, mail, permissions, queries, verification
from accounts.models import Assignment, MunicipalityDomain, User, VerificationEvent


def _set_status(member: User, new_status: str, *, actor: User | None, reason: str = "") -> None:
    VerificationEvent.objects.create(
        user=member, actor=actor, old_status=member.status, new_status=new_status, reason=reason
    )
    member.status = new_status
    member.status_changed_at = timezone.now()


@transaction.atomic
def verify_after_email_confirmation(member: User, email: str) -> User:
    """Decide a new member's status from the domain of the address they just confirmed.

    Only a registered domain in effect for the municipality they chose verifies at once;
    everything else waits for a site moderator, who sees why (``accounts.verification``).
    """
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.status != User.Status.UNVERIFIED or member.email.lower() != email.lower():
        return member
    decision = queries.verification_decision(member)
    if decision.verified:
        member.verified_through_domain = decision.registration.domain
        _set_status(member, User.Status.VERIFIED, actor=None, reason=f"{email} ({decision.reason})")
    else:
        _set_status(member, User.Status.PENDING, actor=None, reason=f"{email} ({decision.reason})")
    member.save()
    if member.department:
        _open_assignment(member)
    return member


@transaction.atomic
def submit_review_note(member: User, note: str) -> None:
    if member.status not in (User.Status.PENDING, User.Status.REJECTED):
        raise PermissionDenied(_("Your account is not waiting for review."))
    member.review_note = note.strip()
    if member.status == User.Status.REJECTED:
        _set_status(member, User.Status.PENDING, actor=member, reason=_("Asked for another review"))
    member.save(update_fields=["review_note", "status", "status_changed_at"])


def _require_reviewer(actor: User) -> None:
    if not permissions.can_review_verification(actor):
        raise PermissionDenied(_("Only site moderators review members."))


@transaction.atomic
def approve_member(actor: User, member: User, *, register_domain: bool = False) -> User:
    """Verify an applicant (or confirm a verified member listed for a check) one person at a
    time; optionally register their e-mail domain to their municipality, under the same rules
    as every other door (``register_municipality_domain``)."""
    _require_reviewer(actor)
    member = User.objects.select_for_update().get(pk=member.pk)
    if register_domain:
        register_municipality_domain(actor, member.municipality, member.email_domain)
    if member.status in (User.Status.PENDING, User.Status.REJECTED):
        _audit(actor, "user.approved", member, after={"status": User.Status.VERIFIED})
        _set_status(member, User.Status.VERIFIED, actor=actor, reason=_("Approved by a moderator"))
        mail.send_verification_decision(member, approved=True)
    elif member.needs_recheck or member.domain_mismatch:
        _audit(actor, "user.rechecked", member, after={"status": member.status})
    member.domain_mismatch = False
    member.needs_recheck = False
    member.save()
    return member


@transaction.atomic
def reject_member(actor: User, member: User, reason: str) -> User:
    _require_reviewer(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write the reason; the applicant receives it by e-mail."))
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.status != User.Status.PENDING:
        raise ValidationError(_("Only applicants waiting for review can be rejected."))
    _audit(actor, "user.rejected", member, reason=reason, after={"status": User.Status.REJECTED})
    _set_status(member, User.Status.REJECTED, actor=actor, reason=reason)
    member.status_reason = reason
    member.save()
    mail.send_verification_decision(member, approved=False, reason=reason)
    return member


@transaction.atomic
def register_municipality_domain(actor: User, municipality, domain: str) -> MunicipalityDomain:
    """Register a domain so that colleagues who sign up with it are verified automatically.

    The one door for registrations (review queue and profile page alike). A personal,
    disposable or public-suffix domain is refused; an lg.jp / go.jp domain takes effect at once;
    any other domain waits for a second site moderator (``confirm_municipality_domain``).
    """
    _require_reviewer(actor)
    domain = verification.normalise_domain(domain)
    existing = MunicipalityDomain.objects.select_for_update().filter(domain=domain).first()
    rule = verification.registration_rule(
        domain,
        organisation_id=municipality.pk if municipality is not None else None,
        existing=(
            verification.Registration(domain, existing.municipality_id, existing.in_effect)
            if existing is not None
            else None
        ),
    )
    if not rule.allowed:
        raise ValidationError(verification.refusal_message(rule, domain), code=rule.refusal)
    if existing is not None:
        return existing
    registration = MunicipalityDomain(
        municipality=municipality,
        domain=domain,
        registered_by=actor,
        confirmed_by=None if rule.needs_second_moderator else actor,
        confirmed_at=None if rule.needs_second_moderator else timezone.now(),
    )
    registration.full_clean()
    registration.save()
    _audit(
        actor,
        "domain.proposed" if rule.needs_second_moderator else "domain.registered",
        None,
        label=domain,
        after={"municipality": str(municipality), "kind": str(rule.kind)},
    )
    return registration


@transaction.atomic
def confirm_municipality_domain(actor: User, registration: MunicipalityDomain) -> None:
    """A second site moderator puts a proposed domain into effect."""
    _require_reviewer(actor)
    registration = MunicipalityDomain.objects.select_for_update().get(pk=registration.pk)
    if registration.in_effect:
        return
    if not permissions.can_confirm_domain(actor, registration):
        raise PermissionDenied(
            _("A second site moderator, not the one who proposed it, confirms a domain.")
        )
    registration.confirmed_by = actor
    registration.confirmed_at = timezone.now()
    registration.save(update_fields=["confirmed_by", "confirmed_at"])
    _audit(
        actor,
        "domain.confirmed",
        None,
        label=registration.domain,
        after={"municipality": str(registration.municipality)},
    )


@transaction.atomic
def remove_municipality_domain(actor: User, registration: MunicipalityDomain, reason: str) -> int:
    """Take a domain out of the registry. Members it verified keep access but are listed for a
    moderator to check again; returns how many."""
    _require_reviewer(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write why the domain is removed."))
    registration = MunicipalityDomain.objects.select_for_update().get(pk=registration.pk)
    to_check = User.objects.filter(
        verified_through_domain=registration.domain, status=User.Status.VERIFIED
    ).update(needs_recheck=True)
    _audit(
        actor,
        "domain.removed",
        None,
        label=registration.domain,
        reason=reason,
        before={"municipality": str(registration.municipality)},
        after={"members_to_check": to_check},
    )
    registration.delete()
    return to_check


@transaction.atomic
def suspend_member(actor: User, member: User, reason: str) -> User:
    if not permissions.can_suspend(actor, member):
        raise PermissionDenied(_("You cannot suspend this member."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write the reason for the suspension."))
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.status != User.Status.SUSPENDED:
        before = {"status": member.status}
        _set_status(member, User.Status.SUSPENDED, actor=actor, reason=reason)
        member.status_reason = reason
        member.save()
        _audit(actor, "user.suspended", member, reason=reason, before=before,
               after={"status": User.Status.SUSPENDED})  # fmt: skip
        live.member_access_changed(member)
    return member


@transaction.atomic
def reinstate_member(actor: User, member: User) -> User:
    if not permissions.can_suspend(actor, member):
        raise PermissionDenied(_("You cannot reinstate this member."))
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.status == User.Status.SUSPENDED:
        _set_status(member, User.Status.VERIFIED, actor=actor, reason=_("Reinstated"))
        member.status_reason = ""
        member.save()
        _audit(actor, "user.reinstated", member, before={"status": User.Status.SUSPENDED},
               after={"status": User.Status.VERIFIED})  # fmt: skip
    return member


def _audit(actor, action: str, member, **details) -> None:
    """Site-level moderation goes into the same audit log as board moderation."""
    from moderation import audit

    audit.record(actor, action, target_user=member, **details)


def _open_assignment(member: User) -> None:
    Assignment.objects.create(
        user=member,
        municipality=member.municipality,
        department=member.department,
        position=member.position,
        started_on=timezone.localdate(),
    )


@transaction.atomic
def update_profile(member: User, **changes) -> User:
    """Save profile fields; a new department or municipality starts a new assignment."""
    member = User.objects.select_for_update().get(pk=member.pk)
    moved = any(
        name in changes and changes[name] != getattr(member, name)
        for name in ("department", "municipality")
    )
    for name, value in changes.items():
        setattr(member, name, value)
    member.full_clean(exclude=["password"])
    member.save()
    if moved:
        today = timezone.localdate()
        Assignment.objects.filter(user=member, ended_on__isnull=True).update(ended_on=today)
        if member.department:
            _open_assignment(member)
    elif "position" in changes:
        Assignment.objects.filter(user=member, ended_on__isnull=True).update(
            position=member.position
        )
    return member
