"""Flagging posts, and moderating posts and topics."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import verified_required
from core.views import run_service
from forums import access, permissions
from forums.models import Post, Topic, TopicRedirect
from forums.queries import membership_of
from moderation import queries
from moderation.forms import (
    FlagForm,
    MergeForm,
    MoveForm,
    OptionalReasonForm,
    ReasonForm,
    TitleForm,
)
from moderation.services import content as services


def _post_for(request, post_id):
    return access.readable_post(request.user, post_id)


# Moderation addresses answer 404 to anyone who may not moderate the post or topic, before
# anything else is looked up: neither existence nor another topic's number leaks through them.


def _moderated_post(request, post_id) -> Post:
    post, membership = _post_for(request, post_id)
    if not permissions.can_moderate_post(request.user, post, membership):
        raise Http404
    return post


def _may_moderate_topic(user, topic: Topic) -> bool:
    membership = membership_of(user, topic.board)
    return permissions.can_view_board(
        user, topic.board, membership
    ) and permissions.can_moderate_board(user, topic.board, membership)


def _moderated_topic(request, topic_id) -> Topic:
    topic, membership = access.readable_topic(request.user, topic_id)
    if not permissions.can_moderate_board(request.user, topic.board, membership):
        raise Http404
    return topic


# --- Flags (members) ----------------------------------------------------------------------------


@verified_required
def post_flag(request, post_id):
    post, membership = _post_for(request, post_id)
    if not permissions.can_flag_post(request.user, post, membership):
        raise PermissionDenied
    form = FlagForm()
    if request.method == "POST":
        form = FlagForm(request.POST)
        if form.is_valid():
            ok = run_service(
                request,
                lambda: services.flag_post(
                    request.user, post, form.cleaned_data["reason"], form.cleaned_data["note"]
                ),
                _("Thank you. The moderators of this board will look at the post."),
            )
            if ok:
                return redirect("forums:post", post_id=post.pk)
    return render(request, "moderation/post_flag.html", {"post": post, "form": form})


# --- Posts (moderators) -------------------------------------------------------------------------


def _post_page(request, post, failed=None, status=200):
    """The post's moderation page; ``failed``: the reason field (``{"field", "value",
    "error"}``) of the action that was refused, shown with its message and what was typed."""
    context = {
        "post": post,
        "flags": queries.open_flags_of(post),
        "reason_form": ReasonForm(),
        "optional_reason_form": OptionalReasonForm(),
        "revision_count": post.revisions.count(),
        "failed": failed,
    }
    return render(request, "moderation/post_moderate.html", context, status=status)


@verified_required
def post_moderate(request, post_id):
    return _post_page(request, _moderated_post(request, post_id))


def _post_action(request, post_id, action, success, *, reason_required: bool, field: str):
    post = _moderated_post(request, post_id)
    form = (ReasonForm if reason_required else OptionalReasonForm)(request.POST)
    if not form.is_valid():
        typed = request.POST.get("reason", "")
        error = " ".join(form.errors.get("reason", []))
        if reason_required and not typed.strip():
            error = _("Write the reason; the author sees it.")
        failed = {"field": field, "value": typed, "error": error}
        return _post_page(request, post, failed, status=400)
    run_service(request, lambda: action(request.user, post, form.cleaned_data["reason"]), success)
    return redirect("moderation:post", post_id=post.pk)


@require_POST
@verified_required
def post_hide(request, post_id):
    return _post_action(
        request, post_id, services.hide_post, _("The post is hidden."), reason_required=True,
        field="hide-reason",
    )  # fmt: skip


@require_POST
@verified_required
def post_unhide(request, post_id):
    return _post_action(
        request, post_id, services.unhide_post, _("The post is visible again."),
        reason_required=False, field="unhide-reason",
    )  # fmt: skip


@require_POST
@verified_required
def post_redact(request, post_id):
    return _post_action(
        request, post_id, services.redact_post,
        _("The post was redacted and its earlier versions deleted."), reason_required=True,
        field="redact-reason",
    )  # fmt: skip


@require_POST
@verified_required
def flags_dismiss(request, post_id):
    return _post_action(
        request, post_id, services.dismiss_flags, _("The flags were dismissed."),
        reason_required=False, field="dismiss-reason",
    )  # fmt: skip


# --- Topics (moderators) ------------------------------------------------------------------------


def _topic_page(request, topic, status=200, **forms):
    """The topic's moderation page; a refused form comes back bound in ``forms`` (its errors
    beside its fields, what was typed kept)."""
    boards = queries.moderated_boards(request.user).exclude(pk=topic.board_id)
    context = {
        "topic": topic,
        "title_form": TitleForm(initial={"title": topic.title}),
        "move_form": MoveForm(boards=boards),
        "merge_form": MergeForm(),
        "reason_form": OptionalReasonForm(),
        **forms,
    }
    return render(request, "moderation/topic_moderate.html", context, status=status)


@verified_required
def topic_moderate(request, topic_id):
    return _topic_page(request, _moderated_topic(request, topic_id))


@require_POST
@verified_required
def topic_lock(request, topic_id):
    topic = _moderated_topic(request, topic_id)
    locked = request.POST.get("locked") == "1"
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_service(
        request,
        lambda: services.set_locked(request.user, topic, locked, reason),
        _("The topic is locked.") if locked else _("The topic is unlocked."),
    )
    return redirect("moderation:topic", topic_id=topic.pk)


@require_POST
@verified_required
def topic_pin(request, topic_id):
    topic = _moderated_topic(request, topic_id)
    pinned = request.POST.get("pinned") == "1"
    run_service(
        request,
        lambda: services.set_pinned(request.user, topic, pinned),
        _("The topic is pinned.") if pinned else _("The topic is no longer pinned."),
    )
    return redirect("moderation:topic", topic_id=topic.pk)


@require_POST
@verified_required
def topic_retitle(request, topic_id):
    topic = _moderated_topic(request, topic_id)
    form = TitleForm(request.POST)
    if not form.is_valid():
        return _topic_page(request, topic, status=400, title_form=form)
    run_service(
        request,
        lambda: services.retitle_topic(
            request.user, topic, form.cleaned_data["title"], form.cleaned_data["reason"]
        ),
        _("The title was changed."),
    )
    return redirect("moderation:topic", topic_id=topic.pk)


@require_POST
@verified_required
def topic_move(request, topic_id):
    topic = _moderated_topic(request, topic_id)
    boards = queries.moderated_boards(request.user).exclude(pk=topic.board_id)
    form = MoveForm(request.POST, boards=boards)
    if not form.is_valid():
        return _topic_page(request, topic, status=400, move_form=form)
    destination = form.cleaned_data["board"]
    ok = run_service(
        request,
        lambda: services.move_topic(request.user, topic, destination, form.cleaned_data["reason"]),
        _("The topic was moved to %(board)s.") % {"board": destination.name},
    )
    return redirect(topic if ok else "moderation:topic", **({} if ok else {"topic_id": topic.pk}))


@require_POST
@verified_required
def topic_merge(request, topic_id):
    if not Topic.objects.filter(pk=topic_id).exists():
        # Merged already (a second submit): where the posts went is where to go, for a
        # moderator of that topic; a 404 for everyone else.
        moved = TopicRedirect.objects.select_related("topic__board").filter(old_topic_id=topic_id)
        moved = moved.first()
        if moved is not None and _may_moderate_topic(request.user, moved.topic):
            return redirect(moved.topic)
        raise Http404
    topic = _moderated_topic(request, topic_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _topic_page(request, topic, status=400, merge_form=form)
    target = Topic.objects.select_related("board").filter(pk=form.cleaned_data["target"]).first()
    if target is None or not _may_moderate_topic(request.user, target):
        # The same answer whether the topic does not exist or is not one this moderator runs.
        form.add_error("target", _("There is no topic with that number among those you moderate."))
        return _topic_page(request, topic, status=400, merge_form=form)
    ok = run_service(
        request,
        lambda: services.merge_topics(request.user, topic, target, form.cleaned_data["reason"]),
        _("The topics were merged."),
    )
    if not ok:
        return redirect("moderation:topic", topic_id=topic.pk)
    return redirect(target)
