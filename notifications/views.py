"""Notification pages: the list, e-mail preferences, watch buttons, unsubscribe links and the
mention autocomplete. Thin: parse, check, call a service."""

from django.contrib import messages
from django.core import signing
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import verified_required
from accounts.models import User
from core.params import clean_text
from forums import access
from notifications import emails, mentions, queries, services
from notifications.forms import EmailPreferencesForm
from notifications.models import DIGEST, Kind
from notifications.text import describe


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    # Only a path of this site; redirect() would also try the text as a URL name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(fallback)


@verified_required
def notification_list(request):
    page = queries.notification_page(request.user, request.GET.get("after", ""))
    entries = [
        (entry, describe(entry.notification) if entry.visible else "") for entry in page.entries
    ]
    return render(
        request,
        "notifications/list.html",
        {"entries": entries, "next_cursor": page.next_cursor},
    )


@require_POST
@verified_required
def notification_read(request, notification_id):
    services.mark_read(request.user, [notification_id])
    return _back(request, "notifications:list")


@require_POST
@verified_required
def notification_read_all(request):
    if services.mark_all_read(request.user):
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@require_GET
@verified_required
def notification_count(request):
    """The badge's fallback when no live channel gets through."""
    return JsonResponse({"unread": queries.unread_count(request.user)})


@verified_required
def preferences(request):
    form = EmailPreferencesForm(current=queries.email_deliveries(request.user))
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST, current=queries.email_deliveries(request.user))
        if form.is_valid():
            services.set_email_preferences(request.user, form.choices())
            messages.success(request, _("Your e-mail preferences were saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _topic_for(request, topic_id):
    return access.readable_topic(request.user, topic_id)[0]


@require_POST
@verified_required
def topic_watch(request, topic_id):
    topic = _topic_for(request, topic_id)
    level = request.POST.get("level", "")
    if level == "watching":
        services.watch_topic(request.user, topic)
        messages.success(request, _("You are watching this topic: every reply is notified."))
    elif level == "muted":
        services.mute_topic(request.user, topic)
        messages.success(request, _("You muted this topic: its replies are not notified."))
    else:
        services.stop_watching_topic(request.user, topic)
        messages.success(request, _("You stopped watching this topic."))
    return _back(request, topic.get_absolute_url())


@require_POST
@verified_required
def board_watch(request, slug):
    board, _membership = access.readable_board(request.user, slug)
    if request.POST.get("watch") == "1":
        services.watch_board(request.user, board)
        messages.success(request, _("You are watching this board: every new topic is notified."))
    else:
        services.stop_watching_board(request.user, board)
        messages.success(request, _("You stopped watching this board."))
    return _back(request, board.get_absolute_url())


@require_GET
@verified_required
def mention_candidates(request, slug):
    board, _membership = access.readable_board(request.user, slug)
    text = clean_text(request.GET.get("q", ""), max_length=40)
    return JsonResponse({"members": mentions.mention_candidates(board, text)})


@csrf_exempt  # the signed token is the credential; mail clients POST without a session
def unsubscribe(request, token):
    """GET shows a confirmation button (link scanners must not unsubscribe anyone); POST, from
    that button or from a mail client's one-click unsubscribe, turns the e-mail off."""
    try:
        user_id, kind = emails.read_unsubscribe_token(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    member = User.objects.filter(pk=user_id).first()
    if member is None or (kind != DIGEST and kind not in Kind.values):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    label = _("the daily digest") if kind == DIGEST else Kind(kind).label
    done = False
    if request.method == "POST":
        services.unsubscribe(member, kind)
        done = True
    return render(request, "notifications/unsubscribe.html", {"label": label, "done": done})
