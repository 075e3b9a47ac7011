"""Reads of notifications: the badge count, the list page, preferences and watch states."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from core.compiled import CompiledRead
from forums.models import Board, Topic
from forums.permissions import can_view_board
from forums.queries import decode_cursor, encode_cursor, memberships_by_board
from notifications.models import (
    DEFAULT_DELIVERY,
    BoardSubscription,
    EmailPreference,
    Kind,
    Notification,
    TopicSubscription,
)

NOTIFICATIONS_PER_PAGE = 30


# The header badge is counted on every page a member opens. Written as SQL once, since
# compiling the same ORM query again on every page cost about 0.3 ms of the page's CPU.
_UNREAD_SQL = (
    f"SELECT count(*) FROM {Notification._meta.db_table} "  # noqa: S608 - table names only
    "WHERE recipient_id = %s AND read_at IS NULL"
)


def unread_count(user) -> int:
    """The header badge: one query on a partial index."""
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_SQL, [user.pk])
        return cursor.fetchone()[0]


def email_deliveries_of(user_ids) -> dict[int, dict[str, str]]:
    """How each member wants e-mail of each kind, defaults filled in (one query)."""
    deliveries = {user_id: dict(DEFAULT_DELIVERY) for user_id in user_ids}
    for user_id, kind, delivery in EmailPreference.objects.filter(
        user_id__in=list(deliveries)
    ).values_list("user_id", "kind", "delivery"):
        deliveries[user_id][kind] = delivery
    return deliveries


def email_deliveries(user) -> dict[str, str]:
    return email_deliveries_of([user.pk])[user.pk]


@dataclass
class Entry:
    """A notification as its recipient may see it now: ``visible`` is False when it is about a
    board they can no longer read (the list then names neither the topic nor the board)."""

    notification: Notification
    visible: bool


@dataclass
class NotificationPage:
    entries: list[Entry]
    next_cursor: str | None


def visible(notification: Notification, user, memberships: dict) -> bool:
    board = notification.topic.board if notification.topic_id else notification.board
    if board is None or notification.kind in (Kind.JOIN_DECIDED, Kind.MODERATION):
        # Notices about the member's own membership or content name only what they knew.
        return True
    return can_view_board(user, board, memberships.get(board.pk))


def _notifications(user_id):
    return Notification.objects.filter(recipient_id=user_id).select_related(
        "actor__municipality", "topic__board", "board"
    )


# The list's first page and the pages after a cursor: compiled once (core.compiled).
_FIRST_PAGE = CompiledRead(
    lambda user_id: _notifications(user_id).order_by("-updated_at", "-id")[
        : NOTIFICATIONS_PER_PAGE + 1
    ]
)
_PAGE_AFTER = CompiledRead(
    lambda user_id, moment, last_id: (
        _notifications(user_id)
        .filter(Q(updated_at__lt=moment) | Q(updated_at=moment, id__lt=last_id))
        .order_by("-updated_at", "-id")[: NOTIFICATIONS_PER_PAGE + 1]
    )
)


def notification_page(user, cursor: str = "") -> NotificationPage:
    """One page of the member's notifications, newest activity first (two queries)."""
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        moment, last_id = position
        rows = _PAGE_AFTER(user.pk, moment, last_id)
    else:
        rows = _FIRST_PAGE(user.pk)
    next_cursor = None
    if len(rows) > NOTIFICATIONS_PER_PAGE:
        rows = rows[:NOTIFICATIONS_PER_PAGE]
        next_cursor = encode_cursor(rows[-1].updated_at, rows[-1].pk)
    memberships = memberships_by_board(user)
    return NotificationPage(
        entries=[Entry(row, visible(row, user, memberships)) for row in rows],
        next_cursor=next_cursor,
    )


# Both read on every topic or board page: compiled once (core.compiled).
_TOPIC_LEVEL = CompiledRead(
    lambda user_id, topic_id: (
        TopicSubscription.objects.filter(user_id=user_id, topic_id=topic_id)
        .order_by("pk")
        .values_list("level", flat=True)[:1]
    )
)
_BOARD_WATCHED = CompiledRead(
    lambda user_id, board_id: (
        BoardSubscription.objects.filter(user_id=user_id, board_id=board_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:1]
    )
)


def topic_watch_level(user, topic: Topic) -> str:
    """``watching``, ``muted`` or ``""`` (neither)."""
    return _TOPIC_LEVEL.first(user.pk, topic.pk) or ""


def is_watching_board(user, board: Board) -> bool:
    return bool(_BOARD_WATCHED(user.pk, board.pk))
