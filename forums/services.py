"""Every write on boards: membership, topics, replies, edits, answers and helpful marks.

Each function takes the acting user first, checks the permission functions, writes inside one
transaction and tells ``forums.effects`` what changed (search index, live event, notifications).
Moderators' decisions on the same rows are the verbs of ``forums.curation``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.live import member_access_changed
from forums import effects, mentions, permissions, queries
from forums.effects import PostChange, TopicChange
from forums.markdown import render_markdown
from forums.models import (
    Board,
    HelpfulMark,
    Membership,
    Post,
    PostRevision,
    Tag,
    Topic,
    TopicReadState,
)
from forums.queries import membership_of

MAX_TAGS = 5


# --- Membership ---------------------------------------------------------------------------------


@transaction.atomic
def join_board(user, board: Board, message: str = "") -> Membership:
    """Join an open board at once, or ask to join an approval board."""
    membership = membership_of(user, board)
    if not permissions.can_join_board(user, board, membership):
        if membership is not None and membership.state in (
            Membership.State.ACTIVE,
            Membership.State.PENDING,
        ):
            return membership
        raise PermissionDenied(_("You cannot join this board."))
    state = (
        Membership.State.ACTIVE
        if board.join_policy == Board.JoinPolicy.OPEN
        else Membership.State.PENDING
    )
    membership, _created = Membership.objects.update_or_create(
        user=user,
        board=board,
        defaults={"state": state, "request_message": message.strip(), "created_at": timezone.now()},
    )
    if state == Membership.State.ACTIVE:
        adjust_member_count(board, +1)
    return membership


@transaction.atomic
def accept_invitation(user, board: Board) -> Membership:
    membership = membership_of(user, board)
    if not permissions.can_accept_invitation(user, board, membership):
        raise PermissionDenied(_("There is no invitation to accept."))
    membership.state = Membership.State.ACTIVE
    membership.decided_at = timezone.now()
    membership.save(update_fields=["state", "decided_at"])
    adjust_member_count(board, +1)
    return membership


@transaction.atomic
def leave_board(user, board: Board) -> None:
    membership = membership_of(user, board)
    if not permissions.can_leave_board(user, board, membership):
        return
    was_active = membership.is_active
    membership.delete()
    if was_active:
        adjust_member_count(board, -1)
        member_access_changed(user)


def adjust_member_count(board: Board, change: int) -> None:
    """The one way a board's member counter moves (never below zero, even for a board whose
    counter was set by hand)."""
    if change:
        Board.objects.filter(pk=board.pk).update(
            member_count=Greatest(F("member_count") + change, Value(0))
        )


# --- Topics and posts ---------------------------------------------------------------------------


def _tags_from(names: list[str]) -> list[Tag]:
    tags = []
    for name in names[:MAX_TAGS]:
        tag, _created = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    return tags


def _existing_submission(author, token: str) -> Post | None:
    return queries.submitted_post(author, token)


def body_html(body: str, board: Board) -> str:
    """A post's HTML (saved or previewed), its @mentions of the board's members linked."""
    return render_markdown(body, mentions.named_on_board(body, board))


def _new_post(author, topic: Topic, number: int, body: str, token: str, reply_to=None) -> Post:
    return Post.objects.create(
        topic=topic,
        number=number,
        author=author,
        author_municipality_id=author.municipality_id,
        author_department=author.department,
        body=body,
        html=body_html(body, topic.board),
        reply_to=reply_to,
        submission_token=token,
    )


def create_topic(
    author, board: Board, title: str, body: str, tags=(), token: str = "", expects_answer=True
) -> Topic:
    """Start a topic with its first post. The same form token twice returns the first topic.
    ``expects_answer``: False for a discussion that is not a question (a meeting's agenda)."""
    existing = _existing_submission(author, token)
    if existing is not None:
        return existing.topic
    try:
        with transaction.atomic():
            if not permissions.can_post_in_board(author, board, membership_of(author, board)):
                raise PermissionDenied(_("Join this board to start a topic."))
            now = timezone.now()
            topic = Topic.objects.create(
                board=board,
                author=author,
                title=title.strip(),
                created_at=now,
                last_posted_at=now,
                last_poster=author,
                post_count=1,
                expects_answer=expects_answer,
            )
            topic.tags.set(_tags_from(list(tags)))
            first_post = _new_post(author, topic, 1, body, token)
            Board.objects.filter(pk=board.pk).update(
                topic_count=F("topic_count") + 1, post_count=F("post_count") + 1, last_posted_at=now
            )
            effects.topic_changed(topic, TopicChange.CREATED, actor=author, first_post=first_post)
    except IntegrityError:
        existing = _existing_submission(author, token)
        if existing is None:
            raise
        return existing.topic
    return topic


_READ_IT = object()


def post_reply(
    author,
    topic: Topic,
    body: str,
    reply_to: Post | None = None,
    token: str = "",
    membership=_READ_IT,
) -> Post:
    """Add a reply. The topic row is locked while its next post number is handed out, so
    concurrent replies get consecutive numbers and no counter update is lost.

    The same form token twice returns the first reply: the unique constraint on author and
    token tells, so a first submission costs no lookup. ``membership``: the author's membership
    of the topic's board (None: not a member) when the caller has just read it, as the reply
    page does; else it is read here.
    """
    try:
        with transaction.atomic():
            topic = queries.locked_topic(topic.pk)
            if membership is _READ_IT or (
                membership is not None and membership.board_id != topic.board_id
            ):  # not read yet, or the topic has moved to another board since
                membership = membership_of(author, topic.board)
            if not permissions.can_reply(author, topic, membership):
                raise PermissionDenied(_("You cannot reply to this topic."))
            if reply_to is not None and reply_to.topic_id != topic.pk:
                reply_to = None
            now = timezone.now()
            number = topic.post_count + 1
            post = _new_post(author, topic, number, body, token, reply_to=reply_to)
            Topic.objects.filter(pk=topic.pk).update(
                post_count=number,
                reply_count=F("reply_count") + 1,
                last_posted_at=now,
                last_poster=author,
            )
            Board.objects.filter(pk=topic.board_id).update(
                post_count=F("post_count") + 1, last_posted_at=now
            )
            _advance_read_state(author, topic, number)
            effects.post_changed(post, PostChange.CREATED, actor=author)
    except IntegrityError:
        existing = _existing_submission(author, token)
        if existing is None:
            raise
        return existing
    return post


@transaction.atomic
def edit_post(editor, post: Post, body: str, title: str | None = None) -> Post:
    """Change a post's body (and the topic's title, for a first post); keep the old text."""
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("topic__board").get(pk=post.pk)
    )
    topic = post.topic
    if not permissions.can_edit_post(editor, post, membership_of(editor, topic.board)):
        raise PermissionDenied(_("You cannot edit this post."))
    title_changed = post.is_first and title is not None and title.strip() != topic.title
    if body == post.body and not title_changed:
        return post
    previous_body = post.body
    PostRevision.objects.create(
        post=post, body=previous_body, title=topic.title if post.is_first else "", editor=editor
    )
    post.body = body
    post.html = body_html(body, topic.board)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "html", "edited_at"])
    if title_changed:
        topic.title = title.strip()
        topic.save(update_fields=["title"])
    effects.post_changed(post, PostChange.EDITED, actor=editor, previous_body=previous_body)
    return post


@transaction.atomic
def delete_post(actor, post: Post) -> Post:
    """Soft delete: the thread keeps a placeholder and the post keeps its number."""
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("topic__board").get(pk=post.pk)
    )
    if post.is_deleted:
        return post
    if not permissions.can_delete_post(actor, post, membership_of(actor, post.topic.board)):
        raise PermissionDenied(_("You cannot delete this post."))
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    if post.topic.accepted_post_id == post.pk:
        Topic.objects.filter(pk=post.topic_id).update(accepted_post=None)
    effects.post_changed(post, PostChange.DELETED, actor=actor)
    return post


@transaction.atomic
def accept_answer(actor, topic: Topic, post: Post | None) -> Topic:
    """Mark one reply as the answer (or clear it with ``post=None``)."""
    topic = Topic.objects.select_for_update(of=("self",)).select_related("board").get(pk=topic.pk)
    if not permissions.can_accept_answer(actor, topic, membership_of(actor, topic.board)):
        raise PermissionDenied(_("Only the person who asked or a board moderator can do this."))
    if post is not None and (post.topic_id != topic.pk or post.is_first or post.is_deleted):
        raise ValidationError(_("Choose a reply in this topic as the answer."))
    previous_post_id = topic.accepted_post_id
    if previous_post_id == (post.pk if post else None):
        return topic
    topic.accepted_post = post
    topic.save(update_fields=["accepted_post"])
    effects.topic_changed(
        topic, TopicChange.ANSWER, actor=actor, previous_answer_id=previous_post_id, answer=post
    )
    return topic


@transaction.atomic
def toggle_helpful(user, post: Post) -> bool:
    """Mark a post helpful, or take the mark back. Returns whether it is now marked."""
    post = Post.objects.select_related("topic__board").get(pk=post.pk)
    if not permissions.can_mark_helpful(user, post, membership_of(user, post.topic.board)):
        raise PermissionDenied(_("You cannot mark this post as helpful."))
    deleted, _details = HelpfulMark.objects.filter(post=post, user=user).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") - 1)
        marked = False
    else:
        HelpfulMark.objects.create(post=post, user=user)
        Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") + 1)
        marked = True
    post.refresh_from_db(fields=["helpful_count"])
    effects.post_changed(post, PostChange.HELPFUL, actor=user, marked=marked)
    return marked


def _advance_read_state(user, topic: Topic, number: int) -> None:
    updated = TopicReadState.objects.filter(user=user, topic=topic).update(
        last_read_number=Greatest("last_read_number", number), updated_at=timezone.now()
    )
    if not updated:
        TopicReadState.objects.get_or_create(
            user=user, topic=topic, defaults={"last_read_number": number}
        )


def mark_read(user, topic: Topic, number: int, already_read: int) -> None:
    """Remember how far the member has read; writes only when they read further."""
    if number > already_read:
        with transaction.atomic():
            _advance_read_state(user, topic, number)
            effects.topic_read(user, topic)
