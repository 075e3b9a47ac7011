"""Pages about members: verification status, profiles, the directory and the review queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions, queries, services
from accounts.decorators import verified_required
from accounts.forms import (
    MemberSearchForm,
    ProfileForm,
    ReasonForm,
    ReviewNoteForm,
)
from accounts.models import User
from core.params import clean_text
from core.views import query_without_page, run_service


@login_required
def status(request):
    """Where a member learns where their verification stands and what happens next."""
    member = request.user
    form = ReviewNoteForm(initial={"note": member.review_note})
    if request.method == "POST":
        form = ReviewNoteForm(request.POST)
        if form.is_valid() and run_service(
            request,
            lambda: services.submit_review_note(member, form.cleaned_data["note"]),
            success=_("Your note was sent to the reviewers."),
        ):
            return redirect("accounts:status")
    return render(request, "accounts/status.html", {"member": member, "form": form})


def suspended(request):
    return render(request, "accounts/suspended.html", status=403)


@require_GET
def municipality_search(request):
    """Suggestions for the municipality field of the sign-up and profile forms."""
    text = clean_text(request.GET.get("q", ""), max_length=40)
    results = [
        {"code": municipality.code, "label": str(municipality)}
        for municipality in queries.search_municipalities(text)
    ]
    return JsonResponse({"results": results})


@verified_required
def member_directory(request):
    form = MemberSearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(queries.search_members(text), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/member_list.html",
        {"form": form, "page": page, "q": text, "page_query": query_without_page(request)},
    )


@login_required
def profile(request, pk):
    member = queries.member_with_place(pk)
    if member is None:
        raise Http404
    if not permissions.can_view_profile(request.user, member):
        return redirect("accounts:status")
    context = {
        "member": member,
        "assignments": queries.assignments_of(member),
        "can_edit": permissions.can_edit_profile(request.user, member),
        "can_suspend": permissions.can_suspend(request.user, member),
        "assessment": (
            queries.assess_members([member])[0]
            if permissions.can_review_verification(request.user)
            else None
        ),
        "reason_form": ReasonForm(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
def profile_edit(request):
    member = request.user
    form = ProfileForm(instance=member)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=User.objects.get(pk=member.pk))
        if form.is_valid():
            moved = form.cleaned_data["department"] != member.department
            services.update_profile(member, **form.cleaned_data)
            messages.success(request, _("Your profile was saved."))
            if moved and member.is_verified:
                # A transfer: show the boards, answers and people of the new field.
                return redirect("fields:for_department")
            return redirect("accounts:profile", pk=member.pk)
    return render(request, "accounts/profile_edit.html", {"form": form})
