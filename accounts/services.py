"""Every write to members: verification, review decisions, suspension and profile changes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import live, mail, permissions
from accounts.models import Assignment, MunicipalityDomain, User, VerificationEvent
from accounts.queries import municipality_for_domain

GOVERNMENT_DOMAIN_SUFFIX = ".lg.jp"


def _set_status(member: User, new_status: str, *, actor: User | None, reason: str = "") -> None:
    VerificationEvent.objects.create(
        user=member, actor=actor, old_status=member.status, new_status=new_status, reason=reason
    )
    member.status = new_status
    member.status_changed_at = timezone.now()


@transaction.atomic
def verify_after_email_confirmation(member: User, email: str) -> User:
    """Decide a new member's status from the domain of the address they just confirmed."""
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.status != User.Status.UNVERIFIED or member.email.lower() != email.lower():
        return member
    domain = email.rsplit("@", 1)[-1].lower()
    owner = municipality_for_domain(domain)
    if owner is not None and owner.pk == member.municipality_id:
        _set_status(member, User.Status.VERIFIED, actor=None, reason=domain)
    elif owner is not None or domain.endswith(GOVERNMENT_DOMAIN_SUFFIX):
        # A government address, but not one registered to the municipality they chose.
        member.domain_mismatch = True
        _set_status(member, User.Status.VERIFIED, actor=None, reason=domain)
    else:
        _set_status(member, User.Status.PENDING, actor=None, reason=domain)
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
    """Verify an applicant; optionally register their e-mail domain to their municipality."""
    _require_reviewer(actor)
    member = User.objects.select_for_update().get(pk=member.pk)
    if register_domain:
        if member.municipality is None:
            raise ValidationError(
                _("Choose the member's municipality before registering a domain.")
            )
        register_municipality_domain(actor, member.municipality, member.email_domain)
    if member.status in (User.Status.PENDING, User.Status.REJECTED):
        _audit(actor, "user.approved", member, after={"status": User.Status.VERIFIED})
        _set_status(member, User.Status.VERIFIED, actor=actor, reason=_("Approved by a moderator"))
        mail.send_verification_decision(member, approved=True)
    member.domain_mismatch = False
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
    """Register a domain so that colleagues who sign up with it are verified automatically."""
    _require_reviewer(actor)
    domain = domain.strip().lower()
    existing = MunicipalityDomain.objects.filter(domain=domain).first()
    if existing is not None:
        if existing.municipality_id != municipality.pk:
            raise ValidationError(
                _("%(domain)s is already registered to %(municipality)s.")
                % {"domain": domain, "municipality": existing.municipality}
            )
        return existing
    registration = MunicipalityDomain(municipality=municipality, domain=domain)
    registration.full_clean()
    registration.save()
    _audit(
        actor, "domain.registered", None, label=domain, after={"municipality": str(municipality)}
    )
    return registration


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


def set_avatar_version(member: User, version: int) -> None:
    """Point the member at a new avatar photo (or none, with 0); the photo is stored by the
    attachments app."""
    User.objects.filter(pk=member.pk).update(avatar_version=version)
    member.avatar_version = version
