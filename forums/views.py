"""Board and topic pages. Thin: parse the form, ask the permission functions, call a service."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import verified_required
from core.params import clean_text, parse_id, parse_int
from core.views import run_service
from forums import access, fragments, live, permissions, queries, services
from forums.form_parts import PostFormParts, quote_suffix
from forums.forms import (
    MAX_BODY_LENGTH,
    EditPostForm,
    JoinRequestForm,
    ReplyForm,
    TopicForm,
    blank_form_html,
    new_token,
)
from forums.markdown import quote_markdown
from forums.models import Board, Post, TopicRedirect


def _board_for(request, slug: str):
    return access.readable_board(request.user, slug)


def _topic_for(request, topic_id: int):
    return access.readable_topic(request.user, topic_id)


@verified_required
def board_list(request):
    entries = queries.visible_boards(request.user)
    context = {"entries": entries, "cards": fragments.board_cards(entries)}
    return render(request, "forums/board_list.html", context)


@verified_required
def board_detail(request, slug):
    board = queries.board_for_page(slug)
    if board is None:
        raise Http404
    membership = queries.membership_of(request.user, board)
    if not permissions.can_view_board(request.user, board, membership):
        if permissions.can_accept_invitation(request.user, board, membership):
            # Invited to a hidden board: enough to decide, not yet its topics.
            return render(
                request, "forums/board_invitation.html", {"board": board, "membership": membership}
            )
        raise Http404
    filter_name = request.GET.get("filter", "all")
    filter_name = filter_name if filter_name in queries.TOPIC_FILTERS else "all"
    sort = request.GET.get("sort", "activity")
    sort = sort if sort in queries.TOPIC_SORTS else "activity"
    page = queries.board_topics(
        board, request.user, filter_name=filter_name, sort=sort, cursor=request.GET.get("after", "")
    )
    context = {
        "board": board,
        "membership": membership,
        "page": page,
        "filter_name": filter_name,
        "sort": sort,
        "is_first_page": not request.GET.get("after"),
        "can_post": permissions.can_post_in_board(request.user, board, membership),
        "can_join": permissions.can_join_board(request.user, board, membership),
        "can_accept_invitation": permissions.can_accept_invitation(request.user, board, membership),
        "can_leave": permissions.can_leave_board(request.user, board, membership),
        "can_moderate": permissions.can_moderate_board(request.user, board, membership),
        "join_form": JoinRequestForm(),
        "filters": [
            ("all", _("All")),
            ("unanswered", _("Unanswered")),
            ("solved", _("Solved")),
            ("mine", _("Mine")),
        ],
    }
    return render(request, "forums/board_detail.html", context)


@require_POST
@verified_required
def board_join(request, slug):
    # An invitee cannot see an invite board yet, but may accept the invitation to it.
    invited_to = Board.objects.filter(slug=slug).first()
    if invited_to is not None and permissions.can_accept_invitation(
        request.user, invited_to, queries.membership_of(request.user, invited_to)
    ):
        services.accept_invitation(request.user, invited_to)
        messages.success(request, _("You joined %(board)s.") % {"board": invited_to.name})
        return redirect(invited_to)
    board, membership = _board_for(request, slug)
    form = JoinRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    if permissions.can_accept_invitation(request.user, board, membership):
        done = run_service(request, lambda: services.accept_invitation(request.user, board))
    else:
        done = run_service(request, lambda: services.join_board(request.user, board, message))
    if done:
        membership = done.value
        if membership.is_active:
            messages.success(request, _("You joined %(board)s.") % {"board": board.name})
        else:
            messages.success(
                request,
                _("Your request was sent to the moderators of %(board)s.") % {"board": board.name},
            )
    return redirect(board)


@require_POST
@verified_required
def board_leave(request, slug):
    board, _membership = _board_for(request, slug)
    services.leave_board(request.user, board)
    messages.success(request, _("You left %(board)s.") % {"board": board.name})
    return redirect("forums:board_list")


@verified_required
def topic_new(request, slug):
    board, membership = _board_for(request, slug)
    if not permissions.can_post_in_board(request.user, board, membership):
        messages.error(request, _("Join this board to start a topic."))
        return redirect(board)
    preview = None
    files = PostFormParts(request, board)
    if request.method == "POST":
        form = TopicForm(request.POST)
        files.bind()
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST or not files.is_valid:
                preview = services.body_html(data["body"], board)
            else:

                def start_topic():
                    topic = services.create_topic(
                        request.user,
                        board,
                        data["title"],
                        data["body"],
                        tags=data["tags"],
                        token=data["submission_token"],
                    )
                    files.attach_to(topic.posts.get(number=1))
                    return topic

                done = run_service(request, start_topic)
                if done:
                    return redirect(
                        done.value.get_absolute_url() + _accepted_query(data["submission_token"])
                    )
    else:
        form = TopicForm(initial={"submission_token": new_token(), **_asked_elsewhere(request)})
    context = {"board": board, "form": form, "preview": preview, **files.context()}
    return render(request, "forums/topic_new.html", context)


def _asked_elsewhere(request) -> dict:
    """A question carried over from another page (a search that found nothing): short enough
    for a title, it is the title; longer, it starts the body."""
    question = clean_text(request.GET.get("q", ""), max_length=MAX_BODY_LENGTH)
    if not question:
        return {}
    title_limit = TopicForm.base_fields["title"].max_length
    return {"title": question} if len(question) <= title_limit else {"body": question}


def _accepted_query(token: str, joiner: str = "?") -> str:
    """Names the accepted submission in the address of the page after a post, so that the
    browser drops the draft it kept for it (static/js/reply-draft.js), and only then."""
    return f"{joiner}{urlencode({'accepted': token})}" if token else ""


def _topic_context(
    request, topic, membership, page: int, reply_form=None, preview=None, files=None
) -> dict:
    user = request.user
    posts = queries.topic_posts(topic, user, page)
    accepted = None
    if topic.accepted_post_id and page == 1:
        accepted = queries.post_with_context(topic.accepted_post_id)
    can_reply = permissions.can_reply(user, topic, membership)
    blank_reply_form = None
    if reply_form is None and can_reply:
        initial = {"submission_token": new_token()}
        quoted = parse_id(request.GET.get("quote", ""))
        if quoted is not None:
            quoted_post = (
                Post.objects.select_related("author")
                .filter(pk=quoted, topic=topic, deleted_at=None, hidden_at=None, redacted_at=None)
                .first()
            )
            if quoted_post is not None:
                body = quote_markdown(
                    quoted_post.body, str(quoted_post.author), number=quoted_post.number
                ).rstrip("\n") + quote_suffix(quoted_post)
                initial.update(body=body + "\n\n", reply_to=quoted_post.pk)
        reply_form = ReplyForm(initial=initial)
        if "body" not in initial:
            blank_reply_form = blank_form_html(ReplyForm, initial["submission_token"])
    page_count = queries.topic_page_count(topic)
    files_context = {}
    if can_reply:
        files_context = (files or PostFormParts(request, topic.board)).context()
    post_controls = permissions.post_controls_for(user, topic, membership)
    fragments.page_fragments(posts, topic, user, membership, post_controls, get_token(request))
    return {
        **files_context,
        "topic": topic,
        "topic_tags": queries.topic_tags(topic),
        "board": topic.board,
        "membership": membership,
        "posts": posts,
        "accepted": accepted,
        "page": page,
        "page_count": page_count,
        "page_links": queries.page_links(page, page_count),
        "reply_form": reply_form,
        "blank_reply_form": blank_reply_form,
        "preview": preview,
        "can_reply": can_reply,
        "can_moderate": post_controls["abilities"]["moderate"],
        "post_controls": post_controls,
    }


@verified_required
def topic_detail(request, topic_id, slug=None):
    try:
        topic, membership = _topic_for(request, topic_id)
    except Http404:
        # A moderator may have merged this topic into another: old links follow it.
        redirect_to = TopicRedirect.objects.filter(old_topic_id=topic_id).first()
        if redirect_to is None:
            raise
        return redirect("forums:topic", topic_id=redirect_to.topic_id)
    already_read = queries.last_read_number(request.user, topic)
    page_text = request.GET.get("page", "")
    if page_text == "last":
        page = queries.topic_page_count(topic)
    elif parse_int(page_text) is not None:
        page = min(max(parse_int(page_text), 1), queries.topic_page_count(topic))
    else:
        # Open at the first unread post.
        first_unread = min(already_read + 1, topic.post_count)
        page = queries.page_of_number(first_unread)
        if already_read and "quote" not in request.GET and page != 1:
            return redirect(f"{topic.get_absolute_url()}?page={page}#post-{first_unread}")
    context = _topic_context(request, topic, membership, page)
    context["first_unread_number"] = already_read + 1 if already_read else None
    if context["posts"]:
        services.mark_read(request.user, topic, context["posts"][-1].number, already_read)
    return render(request, "forums/topic_detail.html", context)


@require_POST
@verified_required
def topic_reply(request, topic_id):
    topic, membership = _topic_for(request, topic_id)
    form = ReplyForm(request.POST)
    files = PostFormParts(request, topic.board).bind()
    if form.is_valid() and files.is_valid and "preview" not in request.POST:
        data = form.cleaned_data
        reply_to = None
        if data["reply_to"]:
            reply_to = Post.objects.filter(pk=data["reply_to"], topic=topic).first()

        def reply():
            post = services.post_reply(
                request.user,
                topic,
                data["body"],
                reply_to=reply_to,
                token=data["submission_token"],
                membership=membership,
            )
            files.attach_to(post)
            return post

        done = run_service(request, reply)
        if done:
            post = done.value
            return redirect(
                f"{topic.get_absolute_url()}?page={queries.page_of_number(post.number)}"
                f"{_accepted_query(data['submission_token'], joiner='&')}#post-{post.number}"
            )
    preview = None
    if form.is_valid():
        preview = services.body_html(form.cleaned_data["body"], topic.board)
    page = queries.topic_page_count(topic)
    context = _topic_context(
        request, topic, membership, page, reply_form=form, preview=preview, files=files
    )
    status = 200 if (form.is_valid() and files.is_valid) or "preview" in request.POST else 400
    return render(request, "forums/topic_detail.html", context, status=status)


@verified_required
def post_redirect(request, post_id):
    post = get_object_or_404(Post.objects.select_related("topic__board"), pk=post_id)
    _topic_for(request, post.topic_id)
    page = queries.page_of_number(post.number)
    return redirect(f"{post.topic.get_absolute_url()}?page={page}#post-{post.number}")


def _post_for(request, post_id):
    return access.readable_post(request.user, post_id)


@verified_required
def post_edit(request, post_id):
    post, membership = _post_for(request, post_id)
    if not permissions.can_edit_post(request.user, post, membership):
        raise PermissionDenied
    initial = {"body": post.body, "title": post.topic.title}
    form = EditPostForm(initial=initial, with_title=post.is_first)
    preview = None
    files = PostFormParts(request, post.topic.board, post)
    if request.method == "POST":
        form = EditPostForm(request.POST, with_title=post.is_first)
        files.bind()
        if form.is_valid():
            if "preview" in request.POST or not files.is_valid:
                preview = services.body_html(form.cleaned_data["body"], post.topic.board)
            else:

                def edit():
                    data = form.cleaned_data
                    services.edit_post(request.user, post, data["body"], data.get("title"))
                    files.attach_to(post)

                if run_service(request, edit, _("Your post was updated."), refusal_is_403=True):
                    return redirect("forums:post", post_id=post.pk)
    context = {"post": post, "form": form, "preview": preview, **files.context()}
    return render(request, "forums/post_edit.html", context)


@verified_required
def post_history(request, post_id):
    post, membership = _post_for(request, post_id)
    if not permissions.can_view_post(request.user, post, membership):
        raise Http404
    revisions = post.revisions.select_related("editor")
    return render(request, "forums/post_history.html", {"post": post, "revisions": revisions})


@verified_required
def post_helpful_list(request, post_id):
    post, _membership = _post_for(request, post_id)
    marks = queries.helpful_marks(post)
    return render(request, "forums/post_helpful.html", {"post": post, "marks": marks})


@require_POST
@verified_required
def post_delete(request, post_id):
    post, _membership = _post_for(request, post_id)
    services.delete_post(request.user, post)
    messages.success(request, _("Your post was deleted."))
    return redirect("forums:post", post_id=post.pk)


@require_POST
@verified_required
def post_helpful(request, post_id):
    post, _membership = _post_for(request, post_id)
    services.toggle_helpful(request.user, post)
    return redirect("forums:post", post_id=post.pk)


@require_POST
@verified_required
def topic_accept(request, topic_id):
    topic, _membership = _topic_for(request, topic_id)
    post = None
    post_id = parse_id(request.POST.get("post", ""))
    if post_id is not None:
        post = get_object_or_404(Post, pk=post_id, topic=topic)
    run_service(
        request, lambda: services.accept_answer(request.user, topic, post), refusal_is_403=True
    )
    target = reverse("forums:post", args=[post.pk]) if post else topic.get_absolute_url()
    return redirect(target)


@verified_required
def topic_events(request, topic_id):
    """Catch-up over plain HTTP: the events after ``?since=<sequence>`` (or the posts after
    ``?after=<post id>``), for a page that noticed a gap or has no live channel."""
    topic, _membership = _topic_for(request, topic_id)
    events = live.catch_up(topic.pk, request.GET.get("since", ""), request.GET.get("after", ""))
    topic.refresh_from_db(fields=["event_sequence"])
    if events is None:
        return JsonResponse({"reload": True, "sequence": topic.event_sequence})
    return JsonResponse({"events": events, "sequence": topic.event_sequence})
