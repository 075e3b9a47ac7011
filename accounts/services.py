"""Every write to members: verification, review decisions, suspension and profile changes.

Site moderators' decisions (approve, reject, register a domain, suspend, reinstate) are decided
and audited by ``moderation.services.site``, which calls the verbs below for the member's state.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import live, permissions, queries, verification
from accounts.models import Assignment, MunicipalityDomain, User, VerificationEvent
from core.forms import visible_line


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


# --- Decisions of site moderators ----------------------------------------------------------------
# ``moderation.services.site`` checks the permission, locks the member's row
# (``User.objects.select_for_update()``), calls one of these, audits and tells the member.


def verify_member(actor: User, member: User) -> bool:
    """Verify an applicant (pending or rejected); clear a domain mismatch or a re-check.
    Returns whether they were newly verified."""
    newly_verified = member.status in (User.Status.PENDING, User.Status.REJECTED)
    if newly_verified:
        _set_status(member, User.Status.VERIFIED, actor=actor, reason=_("Approved by a moderator"))
    member.domain_mismatch = False
    member.needs_recheck = False
    member.save()
    return newly_verified


def decline_member(actor: User, member: User, reason: str) -> None:
    if member.status != User.Status.PENDING:
        raise ValidationError(_("Only applicants waiting for review can be rejected."))
    _set_status(member, User.Status.REJECTED, actor=actor, reason=reason)
    member.status_reason = reason
    member.save()


def register_domain(actor: User, municipality, domain: str) -> tuple[MunicipalityDomain, bool]:
    """Register a domain so that colleagues who sign up with it are verified automatically.
    Returns the registration and whether it is new.

    The one rule for every door (``accounts.verification.registration_rule``): a personal,
    disposable or public-suffix domain is refused; an lg.jp / go.jp domain takes effect at once;
    any other domain waits for a second site moderator (``confirm_domain``).
    """
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
        return existing, False
    registration = MunicipalityDomain(
        municipality=municipality,
        domain=domain,
        registered_by=actor,
        confirmed_by=None if rule.needs_second_moderator else actor,
        confirmed_at=None if rule.needs_second_moderator else timezone.now(),
    )
    registration.full_clean()
    registration.save()
    return registration, True


def confirm_domain(actor: User, registration: MunicipalityDomain) -> bool:
    """A second site moderator puts a proposed domain into effect. Returns whether it changed."""
    registration = MunicipalityDomain.objects.select_for_update().get(pk=registration.pk)
    if registration.in_effect:
        return False
    if not permissions.can_confirm_domain(actor, registration):
        raise PermissionDenied(
            _("A second site moderator, not the one who proposed it, confirms a domain.")
        )
    registration.confirmed_by = actor
    registration.confirmed_at = timezone.now()
    registration.save(update_fields=["confirmed_by", "confirmed_at"])
    return True


def remove_domain(registration: MunicipalityDomain) -> int:
    """Take a domain out of the registry. Members it verified keep access but are listed for a
    moderator to check again; returns how many."""
    to_check = User.objects.filter(
        verified_through_domain=registration.domain, status=User.Status.VERIFIED
    ).update(needs_recheck=True)
    registration.delete()
    return to_check


# Sent inside the suspending transaction with ``member``: apps above accounts hand over what
# the member looked after (a group conversation they managed) without accounts knowing them.
member_suspended = Signal()


def suspend(actor: User, member: User, reason: str) -> str | None:
    """Suspend the member; their open pages check their access again, and ``member_suspended``
    lets other apps hand over what the member looked after. Returns their status before (None
    if they were already suspended)."""
    if member.status == User.Status.SUSPENDED:
        return None
    before = member.status
    _set_status(member, User.Status.SUSPENDED, actor=actor, reason=reason)
    member.status_reason = reason
    member.save()
    live.member_access_changed(member)
    member_suspended.send(sender=User, member=member)
    return before


def reinstate(actor: User, member: User) -> bool:
    """Lift a suspension. Returns whether they were suspended."""
    if member.status != User.Status.SUSPENDED:
        return False
    _set_status(member, User.Status.VERIFIED, actor=actor, reason=_("Reinstated"))
    member.status_reason = ""
    member.save()
    return True


def _open_assignment(member: User) -> None:
    Assignment.objects.create(
        user=member,
        municipality=member.municipality,
        department=member.department,
        position=member.position,
        started_on=timezone.localdate(),
    )


# --- Dated assignments ------------------------------------------------------------------------


def _main_assignment_on(member: User, day) -> Assignment | None:
    """Where the member works on ``day``: a current secondment, else the current regular post."""
    current = (
        Assignment.objects.filter(user=member, started_on__lte=day)
        .exclude(ended_on__lt=day)
        .exclude(kind=Assignment.Kind.CONCURRENT)
        .order_by("-started_on", "-id")
    )
    secondment = next((a for a in current if a.kind == Assignment.Kind.SECONDMENT), None)
    return secondment or next(iter(current), None)


def _refresh_member(member: User, today) -> None:
    """Copy the main current assignment onto the member (what new posts carry) and note the
    start of the next planned one."""
    main = _main_assignment_on(member, today)
    if main is not None:
        member.municipality = main.municipality or member.municipality
        member.department = main.department
        member.position = main.position
    upcoming = (
        Assignment.objects.filter(user=member, started_on__gt=today)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    member.next_move_on = upcoming
    member.save(update_fields=["municipality", "department", "position", "next_move_on"])


@transaction.atomic
def add_assignment(
    member: User,
    *,
    municipality,
    department: str,
    started_on,
    ended_on=None,
    position: str = "",
    kind: str = Assignment.Kind.POST,
    field=None,
) -> Assignment:
    """Record a job from a date: today's move, a past one, or a planned one (内示).

    A regular post ends the regular post it replaces the day before it starts; concurrent posts
    and secondments run beside it. With ``field`` the member chose the field themselves.
    """
    if not permissions.can_edit_profile(member, member):
        raise PermissionDenied(_("You cannot change this member's assignments."))
    department = " ".join(department.split())
    if not department:
        raise ValidationError({"department": _("Write the department (課).")})
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("The end date is before the start date.")})
    member = User.objects.select_for_update().get(pk=member.pk)
    today = timezone.localdate()
    # A post entered for the record (it ended before today) replaces nothing.
    if kind == Assignment.Kind.POST and (ended_on is None or ended_on >= today):
        replaced = Assignment.objects.filter(
            user=member, kind=Assignment.Kind.POST, started_on__lt=started_on
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))
        for previous in replaced:
            previous.ended_on = started_on - timedelta(days=1)
            previous.save(update_fields=["ended_on"])
    assignment = Assignment(
        user=member,
        municipality=municipality,
        department=department,
        position=position,
        kind=kind,
        field=field,
        field_chosen_by_member=field is not None,
        started_on=started_on,
        ended_on=ended_on,
    )
    assignment.full_clean(exclude=["user", "field"])
    assignment.save()
    _refresh_member(member, today)
    return assignment


@transaction.atomic
def remove_assignment(member: User, assignment: Assignment) -> None:
    """Delete a mistaken or cancelled assignment. A cancelled planned post reopens the post it
    would have ended."""
    if assignment.user_id != member.pk or not permissions.can_edit_profile(member, member):
        raise PermissionDenied(_("You cannot change this member's assignments."))
    member = User.objects.select_for_update().get(pk=member.pk)
    if assignment.kind == Assignment.Kind.POST:
        Assignment.objects.filter(
            user=member,
            kind=Assignment.Kind.POST,
            ended_on=assignment.started_on - timedelta(days=1),
        ).update(ended_on=assignment.ended_on)
    assignment.delete()
    _refresh_member(member, timezone.localdate())


@transaction.atomic
def set_assignment_field(member: User, assignment: Assignment, field) -> Assignment:
    """The member corrects the field of one of their assignments (their own mapping)."""
    if assignment.user_id != member.pk or not permissions.can_edit_profile(member, member):
        raise PermissionDenied(_("You cannot change this member's assignments."))
    assignment.field = field
    assignment.field_chosen_by_member = field is not None
    assignment.save(update_fields=["field", "field_chosen_by_member"])
    return assignment


@transaction.atomic
def start_planned_moves(member: User) -> Assignment | None:
    """On (or after) the first day of a planned assignment: the member's organisation and
    department become the new ones. Returns the assignment that started, if one did."""
    today = timezone.localdate()
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.next_move_on is None or member.next_move_on > today:
        return None
    started = (
        Assignment.objects.filter(
            user=member, started_on__lte=today, started_on__gte=member.next_move_on
        )
        .exclude(kind=Assignment.Kind.CONCURRENT)
        .select_related("field")
        .order_by("-started_on", "-id")
        .first()
    )
    _refresh_member(member, today)
    return started


@transaction.atomic
def update_profile(member: User, **changes) -> User:
    """Save profile fields; a new department or municipality starts a new assignment."""
    member = User.objects.select_for_update().get(pk=member.pk)
    # Compared as the form cleans names (invisible characters and double spaces gone), so a
    # name stored before that cleaning does not count as a move on the next save.
    moved = any(
        name in changes and _comparable(changes[name]) != _comparable(getattr(member, name))
        for name in ("department", "municipality")
    )
    for name, value in changes.items():
        setattr(member, name, value)
    member.full_clean(exclude=["password"])
    member.save()
    if moved:
        _move_from_profile(member)
    elif "position" in changes:
        # The position of the post held today; planned and concurrent posts have their own.
        main = _main_assignment_on(member, timezone.localdate())
        if main is not None and main.position != member.position:
            main.position = member.position
            main.save(update_fields=["position"])
    return member


def _comparable(value):
    return visible_line(value) if isinstance(value, str) else value


def _move_from_profile(member: User) -> None:
    """The member wrote a new department or organisation on their profile: their current post
    (and a current secondment) ends yesterday and a regular post starts today. Planned posts and
    concurrent posts (兼務) run on as they were; a second change on the same day corrects
    today's post instead of adding another."""
    today = timezone.localdate()
    current = (
        Assignment.objects.filter(user=member, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .exclude(kind=Assignment.Kind.CONCURRENT)
        .order_by("-started_on", "-id")
    )
    started_today = None
    for assignment in current:
        if assignment.started_on < today:
            assignment.ended_on = today - timedelta(days=1)
            assignment.save(update_fields=["ended_on"])
        elif started_today is None and assignment.kind == Assignment.Kind.POST:
            started_today = assignment
        else:  # replaced on the day it began: it never was
            assignment.delete()
    if not member.department:
        if started_today is not None:
            started_today.delete()
        return
    post = started_today or Assignment(user=member, started_on=today)
    if post.department != member.department:
        # Another department: its field is found from the new name, whatever was chosen for
        # the old one.
        post.field, post.field_chosen_by_member = None, False
    post.municipality = member.municipality
    post.department = member.department
    post.position = member.position
    # A planned regular post still replaces this one on its first day.
    planned = (
        Assignment.objects.filter(user=member, kind=Assignment.Kind.POST, started_on__gt=today)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    post.ended_on = planned - timedelta(days=1) if planned else None
    post.save()


def set_avatar_version(member: User, version: int) -> None:
    """Point the member at a new avatar photo (or none, with 0); the photo is stored by the
    attachments app."""
    User.objects.filter(pk=member.pk).update(avatar_version=version)
    member.avatar_version = version
