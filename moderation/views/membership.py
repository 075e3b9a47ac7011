"""Board queues, member management, the audit log, board settings and the moderators' home."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import site_moderator_required, verified_required
from accounts.models import User
from accounts.permissions import can_moderate_site
from core.params import parse_id
from core.views import query_without_page, run_service
from forums import permissions
from forums.models import Membership
from forums.queries import membership_of
from moderation import fragments, queries
from moderation.forms import (
    AuditFilterForm,
    BanForm,
    BoardCreateForm,
    BoardSettingsForm,
    InviteForm,
    MemberSearchForm,
    ReasonForm,
    RejectForm,
)
from moderation.services import content as content_services
from moderation.services import membership as services
from moderation.views.common import moderated_board

LOG_PAGE_SIZE = 50


@verified_required
def home(request):
    boards = queries.moderated_board_list(request.user)
    if not boards and not can_moderate_site(request.user):
        raise PermissionDenied
    counts = queries.board_pending_counts(boards)
    rows = [(board, counts[board.pk]) for board in boards]
    if can_moderate_site(request.user):
        rows.sort(key=lambda row: -(row[1]["requests"] + row[1]["flags"]))
    return render(request, "moderation/home.html", {"rows": rows})


@verified_required
def counts(request):
    return JsonResponse(queries.header_counts(request) or {"total": 0})


@verified_required
def board_queue(request, slug):
    board, _membership = moderated_board(request, slug)
    requests = list(queries.join_requests(board))
    flagged = queries.flagged_posts(board)
    context = {
        "board": board,
        "requests": requests,
        "request_rows": fragments.join_request_rows(requests, board, get_token(request)),
        "flagged_posts": flagged,
        "flagged_rows": fragments.flagged_post_rows(flagged),
        "reject_form": RejectForm(),
    }
    return render(request, "moderation/board_queue.html", context)


@require_POST
@verified_required
def approve_requests(request, slug):
    board, _membership = moderated_board(request, slug)
    ids = [parse_id(value) for value in request.POST.getlist("membership")]
    ids = [value for value in ids if value is not None]
    if not ids:
        messages.error(request, _("Select at least one request."))
        return redirect("moderation:board", slug=board.slug)
    approved = services.approve_requests(request.user, board, ids)
    if approved:
        names = "、".join(membership.user.full_name for membership in approved)
        messages.success(request, _("Approved: %(names)s") % {"names": names})
    else:
        messages.info(request, _("These requests were already decided."))
    return redirect("moderation:board", slug=board.slug)


@require_POST
@verified_required
def reject_request(request, slug, membership_id):
    board, _membership = moderated_board(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, board=board
    )
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message; the member receives it by e-mail."))
    else:
        run_service(
            request,
            lambda: services.reject_request(request.user, membership, form.cleaned_data["message"]),
            _("%(name)s's request was declined.") % {"name": membership.user.full_name},
        )
    return redirect("moderation:board", slug=board.slug)


@verified_required
def members(request, slug):
    board, membership = moderated_board(request, slug)
    form = MemberSearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(queries.board_members(board, text), 50).get_page(request.GET.get("page"))
    user = request.user
    for row in page:
        row.can_manage = permissions.can_manage_member(user, board, membership, row)
        row.can_change_role = permissions.can_change_role(user, board, membership, row)
    context = {
        "board": board,
        "form": form,
        "q": text,
        "page_query": query_without_page(request),
        "page": page,
        "others": queries.other_memberships(board),
        "invite_form": InviteForm(),
        "reason_form": ReasonForm(),
        "ban_form": BanForm(),
    }
    return render(request, "moderation/members.html", context)


def _target(board, user_id) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "board"), board=board, user_id=user_id
    )


@require_POST
@verified_required
def member_remove(request, slug, user_id):
    board, _membership = moderated_board(request, slug)
    target = (
        Membership.objects.select_related("user", "board")
        .filter(board=board, user_id=user_id, state=Membership.State.ACTIVE)
        .first()
    )
    if target is None:  # already removed: the same request twice changes nothing
        messages.info(request, _("This person is not a member of the board."))
        return redirect("moderation:members", slug=board.slug)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason; the member receives it."))
    else:
        run_service(
            request,
            lambda: services.remove_member(request.user, target, form.cleaned_data["reason"]),
            _("%(name)s was removed from the board.") % {"name": target.user.full_name},
        )
    return redirect("moderation:members", slug=board.slug)


@require_POST
@verified_required
def member_ban(request, slug, user_id):
    board, _membership = moderated_board(request, slug)
    person = get_object_or_404(User, pk=user_id)
    form = BanForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        data = form.cleaned_data
        run_service(
            request,
            lambda: services.ban_member(request.user, board, person, data["reason"], data["until"]),
            _("%(name)s is banned from the board.") % {"name": person.full_name},
        )
    return redirect("moderation:members", slug=board.slug)


@require_POST
@verified_required
def member_unban(request, slug, user_id):
    board, _membership = moderated_board(request, slug)
    person = get_object_or_404(User, pk=user_id)
    run_service(
        request,
        lambda: services.unban_member(request.user, board, person),
        _("The ban of %(name)s was lifted.") % {"name": person.full_name},
    )
    return redirect("moderation:members", slug=board.slug)


@require_POST
@verified_required
def member_role(request, slug, user_id):
    board, _membership = moderated_board(request, slug)
    target = _target(board, user_id)
    make_moderator = request.POST.get("role") == Membership.Role.MODERATOR
    ok = run_service(request, lambda: services.set_moderator(request.user, target, make_moderator))
    if ok:
        messages.success(
            request,
            (
                _("%(name)s is now a moderator of this board.")
                if make_moderator
                else _("%(name)s is no longer a moderator of this board.")
            )
            % {"name": target.user.full_name},
        )
    if not permissions.can_moderate_board(request.user, board, membership_of(request.user, board)):
        return redirect(board)  # stepped down
    return redirect("moderation:members", slug=board.slug)


@require_POST
@verified_required
def invite(request, slug):
    board, _membership = moderated_board(request, slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type the name or e-mail address of a verified member."))
        return redirect("moderation:members", slug=board.slug)
    found = queries.find_verified_member(form.cleaned_data["who"])
    if len(found) != 1:
        if found:
            choices = "、".join(
                f"{person.full_name}（{person.municipality or '—'}）" for person in found
            )
            messages.error(
                request,
                _("Several members match: %(choices)s. Use the e-mail address.")
                % {"choices": choices},
            )
        else:
            messages.error(
                request,
                _("No verified member matches “%(text)s”.") % {"text": form.cleaned_data["who"]},
            )
        return redirect("moderation:members", slug=board.slug)
    person = found[0]
    run_service(
        request,
        lambda: services.invite_member(request.user, board, person),
        _("%(name)s is invited.") % {"name": person.full_name},
    )
    return redirect("moderation:members", slug=board.slug)


def _log_page(request, board=None):
    form = AuditFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.AuditFilter(
        board=board,
        action=data.get("action", ""),
        actor_text=data.get("actor", ""),
        target_text=data.get("target", ""),
    )
    page = Paginator(queries.audit_entries(filters), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "board": board,
        "form": form,
        "page": page,
        "page_query": query_without_page(request),
    }
    return render(request, "moderation/log.html", context)


@verified_required
def board_log(request, slug):
    board, _membership = moderated_board(request, slug)
    return _log_page(request, board)


@site_moderator_required
def site_log(request):
    return _log_page(request)


@verified_required
def board_settings(request, slug):
    board, _membership = moderated_board(request, slug)
    form = BoardSettingsForm(instance=board)
    if request.method == "POST":
        form = BoardSettingsForm(request.POST, instance=board)
        if form.is_valid() and run_service(
            request,
            lambda: content_services.update_board(request.user, board, **form.cleaned_data),
            _("The board settings were saved."),
        ):
            return redirect("moderation:board", slug=board.slug)
    return render(request, "moderation/board_settings.html", {"board": board, "form": form})


@site_moderator_required
def board_create(request):
    form = BoardCreateForm()
    if request.method == "POST":
        form = BoardCreateForm(request.POST)
        if form.is_valid():
            board = content_services.create_board(request.user, **form.cleaned_data)
            messages.success(request, _("The board %(board)s was created.") % {"board": board.name})
            return redirect(board)
    return render(request, "moderation/board_create.html", {"form": form})
