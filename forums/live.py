"""The only place that builds and sends live events about boards and topics.

Every event is sent from ``transaction.on_commit``: a rolled-back write never broadcasts. Topic
events carry a per-topic ``sequence`` so that a client can notice a gap (channel layers deliver
at most once) and fetch what it missed over plain HTTP.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from accounts.live import member_access_changed
from forums.models import Topic

logger = logging.getLogger(__name__)

__all__ = ["member_access_changed"]


def topic_group(topic_id: int) -> str:
    return f"topic.{topic_id}"


def board_group(board_id: int) -> str:
    return f"board.{board_id}"


def _send_after_commit(group: str, message: dict) -> None:
    def send() -> None:
        try:
            async_to_sync(get_channel_layer().group_send)(group, message)
        except Exception:
            logger.warning("Live event to %s was not sent", group, exc_info=True)

    transaction.on_commit(send)


def _next_sequence(topic_id: int) -> int:
    Topic.objects.filter(pk=topic_id).update(event_sequence=F("event_sequence") + 1)
    return Topic.objects.values_list("event_sequence", flat=True).get(pk=topic_id)


def _topic_event(topic_id: int, event: dict) -> None:
    event["sequence"] = _next_sequence(topic_id)
    event["topic_id"] = topic_id
    _send_after_commit(topic_group(topic_id), {"type": "topic.event", "event": event})


def topic_post_created(post) -> None:
    _topic_event(post.topic_id, {"type": "post.created", "post_id": post.pk, "number": post.number})
    _send_after_commit(
        board_group(post.topic.board_id),
        {"type": "board.event", "event": {"type": "topic.bumped", "topic_id": post.topic_id}},
    )


def topic_post_changed(post, event_type: str) -> None:
    _topic_event(post.topic_id, {"type": event_type, "post_id": post.pk, "number": post.number})


def topic_answer_changed(topic) -> None:
    _topic_event(topic.pk, {"type": "topic.answer", "post_id": topic.accepted_post_id})


def board_topic_created(topic) -> None:
    _send_after_commit(
        board_group(topic.board_id),
        {"type": "board.event", "event": {"type": "topic.created", "topic_id": topic.pk}},
    )
