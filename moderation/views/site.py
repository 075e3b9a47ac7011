"""Site moderators' pages: the verification queue and decisions, municipality domains,
suspension and reinstatement (the buttons on a member's profile post here)."""

from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions, queries
from accounts.decorators import site_moderator_required
from accounts.forms import ApproveForm, ReasonForm
from accounts.models import MunicipalityDomain, User
from core.views import run_service
from moderation import fragments
from moderation.services import site as services


@site_moderator_required
def review_queue(request):
    assessments = queries.assess_members(queries.review_queue())
    context = {
        "assessments": assessments,
        "assessment_rows": fragments.assessment_rows(assessments, get_token(request)),
        "approve_form": ApproveForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "moderation/review_queue.html", context)


@require_POST
@site_moderator_required
def approve(request, pk):
    member = get_object_or_404(User, pk=pk)
    form = ApproveForm(request.POST)
    form.is_valid()
    register = form.cleaned_data.get("register_domain", False)
    approved = run_service(
        request,
        lambda: services.approve_member(request.user, member, register_domain=register),
        _("%(name)s is verified.") % {"name": member.full_name},
        refusal_is_403=True,
    )
    if approved and register:
        registration = queries.registration_for_domain(member.email_domain)
        if registration is not None:
            _say_registered(request, registration)
    return redirect("moderation:review_queue")


@require_POST
@site_moderator_required
def reject(request, pk):
    member = get_object_or_404(User, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason; the applicant receives it by e-mail."))
        return redirect("moderation:review_queue")
    run_service(
        request,
        lambda: services.reject_member(request.user, member, form.cleaned_data["reason"]),
        _("%(name)s was not approved.") % {"name": member.full_name},
        refusal_is_403=True,
    )
    return redirect("moderation:review_queue")


@require_POST
@site_moderator_required
def suspend(request, pk):
    member = get_object_or_404(User, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason for the suspension."))
        return redirect("accounts:profile", pk=pk)
    run_service(
        request,
        lambda: services.suspend_member(request.user, member, form.cleaned_data["reason"]),
        _("%(name)s is suspended.") % {"name": member.full_name},
    )
    return redirect("accounts:profile", pk=pk)


@require_POST
@site_moderator_required
def reinstate(request, pk):
    member = get_object_or_404(User, pk=pk)
    run_service(
        request,
        lambda: services.reinstate_member(request.user, member),
        _("%(name)s is reinstated.") % {"name": member.full_name},
    )
    return redirect("accounts:profile", pk=pk)


@require_POST
@site_moderator_required
def register_domain(request, pk):
    """Register a member's e-mail domain to their municipality, for their colleagues' sign-ups."""
    member = get_object_or_404(User.objects.select_related("municipality"), pk=pk)
    if member.municipality is None:
        messages.error(request, _("Choose the member's municipality before registering a domain."))
        return redirect("accounts:profile", pk=pk)
    done = run_service(
        request,
        lambda: services.register_municipality_domain(
            request.user, member.municipality, member.email_domain
        ),
        refusal_is_403=True,
    )
    if done:
        _say_registered(request, done.value)
    return redirect("accounts:profile", pk=pk)


def _say_registered(request, registration) -> None:
    values = {"domain": registration.domain, "municipality": registration.municipality}
    if registration.in_effect:
        messages.success(request, _("%(domain)s is registered to %(municipality)s.") % values)
    else:
        messages.success(
            request,
            _(
                "%(domain)s is proposed for %(municipality)s. It takes effect once another site "
                "moderator confirms it on the domain list."
            )
            % values,
        )


@site_moderator_required
def domain_list(request):
    """The registry of organisations' e-mail domains: confirm proposals, remove mistakes."""
    registrations = list(queries.domain_registry())
    for registration in registrations:
        registration.can_confirm = permissions.can_confirm_domain(request.user, registration)
    return render(
        request,
        "moderation/domain_list.html",
        {"registrations": registrations, "reason_form": ReasonForm()},
    )


@require_POST
@site_moderator_required
def confirm_domain(request, pk):
    registration = get_object_or_404(
        MunicipalityDomain.objects.select_related("municipality"), pk=pk
    )
    run_service(
        request,
        lambda: services.confirm_municipality_domain(request.user, registration),
        _("%(domain)s is registered to %(municipality)s.")
        % {"domain": registration.domain, "municipality": registration.municipality},
    )
    return redirect("moderation:domains")


@require_POST
@site_moderator_required
def remove_domain(request, pk):
    registration = get_object_or_404(MunicipalityDomain, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why the domain is removed."))
        return redirect("moderation:domains")
    domain = registration.domain
    to_check = services.remove_municipality_domain(
        request.user, registration, form.cleaned_data["reason"]
    )
    messages.success(
        request,
        _("%(domain)s was removed. Members to check again: %(count)d.")
        % {"domain": domain, "count": to_check},
    )
    return redirect("moderation:domains")
