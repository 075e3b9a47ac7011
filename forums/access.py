"""Fetching a board, topic or post for a request, with the reader's membership, or a 404.

Every app's views go through these: whatever a member may not read does not exist for them
(an invite board is a 404, never a 403 that would tell it is there).
"""

from django.http import Http404

from core.compiled import CompiledRead
from forums import permissions
from forums.models import Board, Membership, Post, Topic
from forums.queries import membership_of


def _readable(user, board: Board) -> Membership | None:
    membership = membership_of(user, board)
    if not permissions.can_view_board(user, board, membership):
        raise Http404
    return membership


_BOARD = CompiledRead(
    lambda slug: Board.objects.select_related("field").filter(slug=slug).order_by("pk")[:1]
)


def readable_board(user, slug: str) -> tuple[Board, Membership | None]:
    board = _BOARD.first(slug)
    if board is None:
        raise Http404
    return board, _readable(user, board)


# Every topic page and every action on a topic: compiled once (core.compiled).
_TOPIC = CompiledRead(
    lambda topic_id: (
        Topic.objects.select_related("board", "author").filter(pk=topic_id).order_by("pk")[:1]
    )
)


def readable_topic(user, topic_id: int) -> tuple[Topic, Membership | None]:
    topic = _TOPIC.first(topic_id)
    if topic is None:
        raise Http404
    return topic, _readable(user, topic.board)


def readable_post(user, post_id: int) -> tuple[Post, Membership | None]:
    post = (
        Post.objects.select_related("topic__board", "author", "author_municipality")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise Http404
    return post, _readable(user, post.topic.board)
