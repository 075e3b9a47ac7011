"""Pages of private conversations. Thin: parse, ask ``permissions``/``queries``, call a
service. Whatever a member may not read answers 404, whether or not it exists."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import site_moderator_required, verified_required
from accounts.models import User
from accounts.queries import search_members
from attachments import services as attachment_services
from conversations import live, permissions, queries, services
from conversations.forms import (
    ContactSettingsForm,
    EditMessageForm,
    MessageForm,
    NewConversationForm,
    ReportForm,
    ResolveReportForm,
    parse_ids,
    parse_number,
)
from conversations.models import Message, MessageReport
from fields.queries import field_by_slug
from forums.forms import new_token
from forums.markdown import quote_markdown

SEARCH_LIMIT = 20


def _errors(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("This is not possible.")


def _readable_message(user, message_id: int) -> tuple[Message, object]:
    message = (
        Message.objects.select_related("author", "author_municipality", "conversation")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise Http404
    _conversation, seat = queries.readable_conversation(user, message.conversation_id)
    return message, seat


def _verified_members(ids) -> list[User]:
    return list(
        User.objects.filter(pk__in=ids, status=User.Status.VERIFIED, is_active=True)
        .select_related("municipality")
        .order_by("pk")
    )


def _candidates(request, source, exclude_ids) -> tuple[str, list[dict]]:
    """Members matching ``q``, each with whether this member may write to them."""
    text = source.get("q", "").strip()[:100]
    if not text:
        return "", []
    found = search_members(text).exclude(pk__in=list(exclude_ids))[:SEARCH_LIMIT]
    return text, [
        {"member": member, "reachable": queries.may_contact(request.user, member)}
        for member in found
    ]


def _without(chosen, member, field) -> str:
    """The new-conversation page with ``member`` taken off the recipients."""
    params = [("to", other.pk) for other in chosen if other.pk != member.pk]
    if field is not None:
        params.append(("field", field.slug))
    return (
        f"{reverse('conversations:new')}?{urlencode(params)}"
        if params
        else reverse("conversations:new")
    )


def _files_from(request) -> tuple[list, list[str]]:
    """The files of a message form: those chosen now go to the member's pending area at once,
    and those kept from an earlier try come back by key, so an error or a preview never makes
    the member choose them again. Returns the pending files and the refusals."""
    uploaded = request.FILES.getlist("files")[: settings.ATTACHMENTS_MAX_FILES]
    accepted, errors = attachment_services.upload_many(request.user, None, uploaded)
    kept = attachment_services.pending_for(
        request.user, request.POST.getlist("attachments")[: settings.ATTACHMENTS_MAX_FILES], None
    )
    return kept + accepted, errors


# --- The list and starting ------------------------------------------------------------------


@verified_required
def conversation_list(request):
    return render(
        request, "conversations/list.html", {"rows": queries.conversation_rows(request.user)}
    )


@verified_required
def conversation_rows(request):
    """The list alone, for the page's live refresh of unread counts."""
    html = render_to_string(
        "conversations/_rows.html", {"rows": queries.conversation_rows(request.user)}, request
    )
    return HttpResponse(html)


@verified_required
def unread_count(request):
    """The header's count, for pages whose WebSocket does not get through."""
    return JsonResponse({"unread": queries.unread_conversations(request.user)})


# Buttons of the message form that change the recipients instead of sending: without
# JavaScript, finding or adding someone posts what was typed along, and it comes back.
ARRANGING = ("find", "add")


@verified_required
def conversation_new(request):
    source = request.POST if request.method == "POST" else request.GET
    arranging = request.method == "POST" and any(name in request.POST for name in ARRANGING)
    chosen = [
        member
        for member in _verified_members(parse_ids(source.getlist("to")))
        if member.pk != request.user.pk
    ]
    field = field_by_slug(source.get("field", "")[:50]) if source.get("field") else None
    refused = [member for member in chosen if not queries.may_contact(request.user, member, field)]
    chosen = [member for member in chosen if member not in refused]
    pending, file_errors = [], []
    if arranging:
        typed = ("title", "body", "submission_token")
        form = NewConversationForm(initial={name: request.POST.get(name, "") for name in typed})
        pending, file_errors = _files_from(request)
    elif request.method == "POST":
        form = NewConversationForm(request.POST)
        pending, file_errors = _files_from(request)
        if form.is_valid() and "preview" not in request.POST and not refused and not file_errors:
            data = form.cleaned_data
            try:
                conversation = services.start_conversation(
                    request.user,
                    chosen,
                    data["body"],
                    title=data["title"],
                    token=data["submission_token"],
                    field=field,
                    attachment_keys=[str(file.key) for file in pending],
                )
            except (PermissionDenied, ValidationError) as error:
                form.add_error(None, _errors(error))
            else:
                return redirect(conversation)
    else:
        form = NewConversationForm(initial={"submission_token": new_token()})
    preview = None
    if request.method == "POST" and "preview" in request.POST and form.is_valid():
        preview = services.message_html(form.cleaned_data["body"], [request.user, *chosen])
    query, candidates = _candidates(request, source, [request.user.pk, *[m.pk for m in chosen]])
    # "Add to the conversation" sent without a tick: say so, and keep the search shown.
    adding = request.method == "GET" or "add" in request.POST
    had = parse_number(source.get("had")) if adding else None
    nobody_ticked = had is not None and len(set(parse_ids(source.getlist("to")))) <= had
    if had is not None and not nobody_ticked:
        query, candidates = "", []  # added: the search is done
    context = {
        "form": form,
        "chosen": chosen,
        "chosen_with_removal": [(member, _without(chosen, member, field)) for member in chosen],
        "nobody_ticked": nobody_ticked,
        "refused": refused,
        "query": query,
        "candidates": candidates,
        "preview": preview,
        "max_participants": settings.CONVERSATION_MAX_PARTICIPANTS,
        "field": field,
        "files_pending": pending,
        "files_errors": file_errors,
    }
    failed = (not arranging and form.errors) or refused or file_errors
    status = 400 if request.method == "POST" and failed else 200
    return render(request, "conversations/new.html", context, status=status)


@verified_required
def conversation_new_to(request, user_id):
    """A fixed link per member (a post's author menu): the new-conversation page for them."""
    return redirect(f"{reverse('conversations:new')}?to={int(user_id)}")


# --- One conversation -----------------------------------------------------------------------


def _detail_context(request, conversation, seat, form=None, preview=None) -> dict:
    user = request.user
    before = parse_number(request.GET.get("before"))
    message_list, has_older = queries.messages_page(conversation, before)
    if form is None:
        initial = {"submission_token": new_token()}
        quoted_id = parse_number(request.GET.get("quote"))
        if quoted_id is not None:
            # Only a message of this very conversation can be quoted here.
            quoted = Message.objects.filter(
                pk=quoted_id, conversation=conversation, deleted_at=None
            ).first()
            if quoted is not None:
                initial.update(body=quote_markdown(quoted.body), reply_to=quoted.pk)
        form = MessageForm(initial=initial)
    participants = queries.active_participants(conversation)
    return {
        "conversation": conversation,
        "seat": seat,
        "messages_shown": message_list,
        "has_older": has_older,
        "participants": participants,
        "participants_html": live.render_participants(conversation, participants),
        "form": form,
        "preview": preview,
        "viewer_id": user.pk,
        "can_manage": permissions.can_manage_participants(user, conversation, seat),
        "reads": queries.read_states(conversation, user, participants),
        "shows_receipts": queries.settings_of(user).read_receipts,
    }


@verified_required
def conversation_detail(request, conversation_id):
    conversation, seat = queries.readable_conversation(request.user, conversation_id)
    context = _detail_context(request, conversation, seat)
    if context["messages_shown"]:
        services.mark_read(request.user, seat, context["messages_shown"][-1].number)
    return render(request, "conversations/detail.html", context)


@require_POST
@verified_required
def message_send(request, conversation_id):
    conversation, seat = queries.readable_conversation(request.user, conversation_id)
    form = MessageForm(request.POST)
    preview = None
    pending, file_errors = _files_from(request)
    if form.is_valid() and "preview" not in request.POST and not file_errors:
        data = form.cleaned_data
        reply_to = None
        if data["reply_to"]:
            reply_to = (
                Message.objects.filter(pk=data["reply_to"], conversation=conversation)
                .select_related("author")
                .first()
            )
        try:
            message = services.send_message(
                request.user,
                conversation,
                data["body"],
                reply_to,
                data["submission_token"],
                attachment_keys=[str(file.key) for file in pending],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _errors(error))
        else:
            return redirect(f"{conversation.get_absolute_url()}#message-{message.number}")
    elif form.is_valid() and not file_errors:
        people = [seat.user for seat in queries.active_participants(conversation)]
        preview = services.message_html(form.cleaned_data["body"], people)
    context = _detail_context(request, conversation, seat, form=form, preview=preview)
    context.update(files_pending=pending, files_errors=file_errors)
    return render(request, "conversations/detail.html", context, status=200 if preview else 400)


@verified_required
def conversation_events(request, conversation_id):
    """Catch-up over plain HTTP: the events after ``?since=<sequence>`` and the current read
    states, for a page that noticed a gap or has no live channel."""
    conversation, _seat = queries.readable_conversation(request.user, conversation_id)
    since = parse_number(request.GET.get("since"))
    if since is None:
        return JsonResponse({"error": _("since must be a sequence number.")}, status=400)
    events = live.catch_up(conversation.pk, since)
    conversation.refresh_from_db(fields=["event_sequence"])
    reads = queries.read_states(conversation, request.user)
    if events is None:
        return JsonResponse({"reload": True, "sequence": conversation.event_sequence})
    return JsonResponse({"events": events, "sequence": conversation.event_sequence, "reads": reads})


@require_POST
@verified_required
def conversation_read(request, conversation_id):
    _conversation, seat = queries.readable_conversation(request.user, conversation_id)
    number = parse_number(request.POST.get("number"))
    if number is None:
        return JsonResponse({"error": _("number must be a message number.")}, status=400)
    services.mark_read(request.user, seat, number)
    return JsonResponse({"read": seat.last_read_number})


@verified_required
def conversation_export(request, conversation_id):
    conversation, _seat = queries.readable_conversation(request.user, conversation_id)
    text = render_to_string(
        "conversations/export.txt",
        {
            "conversation": conversation,
            "participants": queries.active_participants(conversation),
            "messages_all": queries.export_messages(conversation),
            "exported_at": timezone.now(),
            "exported_by": request.user,
            "site_url": settings.SITE_URL,
        },
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    filename = f"conversation-{conversation.pk}-{timezone.localdate():%Y%m%d}.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Participants ---------------------------------------------------------------------------


@verified_required
def participants(request, conversation_id):
    conversation, seat = queries.readable_conversation(request.user, conversation_id)
    current = queries.active_participants(conversation)
    can_manage = permissions.can_manage_participants(request.user, conversation, seat)
    query, candidates = "", []
    if can_manage:
        query, candidates = _candidates(request, request.GET, [p.user_id for p in current])
    context = {
        "conversation": conversation,
        "participants": current,
        "can_manage": can_manage,
        "query": query,
        "candidates": candidates,
        "viewer_id": request.user.pk,
    }
    return render(request, "conversations/participants.html", context)


@require_POST
@verified_required
def participants_add(request, conversation_id):
    conversation, _seat = queries.readable_conversation(request.user, conversation_id)
    users = _verified_members(parse_ids(request.POST.getlist("to")))
    try:
        added = services.add_participants(request.user, conversation, users)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _errors(error))
    else:
        if added:
            messages.success(request, _("Added to the conversation."))
    return redirect("conversations:participants", conversation_id=conversation.pk)


@require_POST
@verified_required
def participant_remove(request, conversation_id, user_id):
    conversation, _seat = queries.readable_conversation(request.user, conversation_id)
    member = get_object_or_404(User, pk=user_id)
    try:
        services.remove_participant(request.user, conversation, member)
    except PermissionDenied as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request, _("%(name)s was removed from the conversation.") % {"name": member.full_name}
        )
    return redirect("conversations:participants", conversation_id=conversation.pk)


@require_POST
@verified_required
def conversation_leave(request, conversation_id):
    conversation, _seat = queries.readable_conversation(request.user, conversation_id)
    services.leave_conversation(request.user, conversation)
    messages.success(request, _("You left the conversation."))
    return redirect("conversations:list")


# --- Messages -------------------------------------------------------------------------------


@verified_required
def message_edit(request, message_id):
    message, seat = _readable_message(request.user, message_id)
    if not permissions.can_edit_message(request.user, message, seat):
        raise PermissionDenied
    form = EditMessageForm(initial={"body": message.body})
    preview = None
    if request.method == "POST":
        form = EditMessageForm(request.POST)
        if form.is_valid():
            if "preview" in request.POST:
                people = [seat.user for seat in queries.active_participants(message.conversation)]
                preview = services.message_html(form.cleaned_data["body"], people)
            else:
                services.edit_message(request.user, message, form.cleaned_data["body"])
                messages.success(request, _("Your message was updated."))
                return redirect(
                    f"{message.conversation.get_absolute_url()}#message-{message.number}"
                )
    return render(
        request,
        "conversations/message_edit.html",
        {"message": message, "form": form, "preview": preview},
    )


@require_POST
@verified_required
def message_delete(request, message_id):
    message, _seat = _readable_message(request.user, message_id)
    try:
        services.delete_message(request.user, message)
    except PermissionDenied as error:
        messages.error(request, _errors(error))
    return redirect(f"{message.conversation.get_absolute_url()}#message-{message.number}")


@verified_required
def message_history(request, message_id):
    message, _seat = _readable_message(request.user, message_id)
    if message.is_deleted:
        raise Http404
    revisions = message.revisions.select_related("editor")
    return render(
        request, "conversations/message_history.html", {"message": message, "revisions": revisions}
    )


@verified_required
def message_report(request, message_id):
    message, seat = _readable_message(request.user, message_id)
    if not permissions.can_report_message(request.user, message, seat):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report_message(
            request.user, message, form.cleaned_data["reason"], form.cleaned_data["note"]
        )
        messages.success(
            request,
            _(
                "Thank you. A site moderator will read this message and the ten before and "
                "after it; nothing else of the conversation."
            ),
        )
        return redirect(f"{message.conversation.get_absolute_url()}#message-{message.number}")
    return render(
        request,
        "conversations/message_report.html",
        {"message": message, "form": form},
        status=400 if form.errors else 200,
    )


# --- Settings and blocks --------------------------------------------------------------------


@verified_required
def contact_settings(request):
    current = queries.settings_of(request.user)
    form = ContactSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_contact_settings(request.user, **form.cleaned_data)
        messages.success(request, _("Your conversation settings were saved."))
        return redirect("conversations:settings")
    blocked = (
        User.objects.filter(pk__in=request.user.blocks.values("blocked_id"))
        .select_related("municipality")
        .order_by("full_name")
    )
    return render(
        request,
        "conversations/settings.html",
        {"form": form, "blocked": blocked},
        status=400 if form.errors else 200,
    )


@require_POST
@verified_required
def member_block(request, user_id):
    member = get_object_or_404(User, pk=user_id)
    try:
        services.block_member(request.user, member)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request,
            _("%(name)s can no longer start conversations with you. They are not told.")
            % {"name": member.full_name},
        )
    return redirect("accounts:profile", pk=member.pk)


@require_POST
@verified_required
def member_unblock(request, user_id):
    member = get_object_or_404(User, pk=user_id)
    services.unblock_member(request.user, member)
    messages.success(request, _("%(name)s is no longer blocked.") % {"name": member.full_name})
    if request.POST.get("next") == "settings":
        return redirect("conversations:settings")
    return redirect("accounts:profile", pk=member.pk)


# --- Reports, for site moderators -----------------------------------------------------------


@site_moderator_required
def report_list(request):
    return render(request, "conversations/report_list.html", {"reports": queries.open_reports()})


@site_moderator_required
def report_detail(request, report_id):
    report = get_object_or_404(
        MessageReport.objects.select_related("message__author", "reporter__municipality"),
        pk=report_id,
    )
    services.record_report_viewed(request.user, report)
    context = {
        "report": report,
        "context_messages": queries.report_context(report),
        "form": ResolveReportForm(),
    }
    return render(request, "conversations/report_detail.html", context)


@require_POST
@site_moderator_required
def report_resolve(request, report_id):
    report = get_object_or_404(
        MessageReport.objects.select_related("message__author"), pk=report_id
    )
    form = ResolveReportForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.resolve_report(request.user, report, note)
    messages.success(request, _("The report is closed."))
    return redirect("conversations:reports")
