"""Reads of conversations: seats, the member's list with unread counts, messages, the facts
the contact rules need, and the context a moderator may see around a reported message."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, Prefetch, Q, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.models import Assignment, User
from conversations import permissions
from conversations.models import (
    Block,
    ContactSettings,
    Conversation,
    Message,
    MessageReport,
    MessageRevision,
    Participant,
)
from core.compiled import CompiledRead
from forums.models import Membership

MESSAGES_PER_PAGE = 100
REPORT_CONTEXT = 10


# Every conversation page and every message: compiled once (core.compiled).
_SEAT = CompiledRead(
    lambda conversation_id, user_id: (
        Participant.objects.filter(conversation_id=conversation_id, user_id=user_id)
        .select_related("conversation")
        .order_by("pk")[:1]
    )
)


# Every message locks its conversation's row first: compiled once (core.compiled).
_LOCKED_CONVERSATION = CompiledRead(
    lambda conversation_id: (
        Conversation.objects.select_for_update(of=("self",))
        .filter(pk=conversation_id)
        .order_by("pk")[:1]
    )
)


def locked_conversation(conversation_id: int) -> Conversation:
    """The conversation's row, locked until the transaction ends (inside ``atomic``)."""
    return _LOCKED_CONVERSATION.get(conversation_id)


def seat_of(user, conversation_id: int) -> Participant | None:
    if not user.is_authenticated:
        return None
    return _SEAT.first(conversation_id, user.pk)


def readable_conversation(user, conversation_id: int) -> tuple[Conversation, Participant]:
    """The conversation and the user's seat, or a 404 for anyone who is not taking part now."""
    seat = seat_of(user, conversation_id)
    if not permissions.can_view_conversation(user, seat):
        raise Http404
    return seat.conversation, seat


_SETTINGS = CompiledRead(
    lambda user_id: ContactSettings.objects.filter(user_id=user_id).order_by("pk")[:1]
)


def settings_of(user) -> ContactSettings:
    """The member's contact settings, unsaved defaults when they never chose."""
    return _SETTINGS.first(user.pk) or ContactSettings(user_id=user.pk)


# One shape per number of participants (core.compiled).
_SETTINGS_OF_MANY = CompiledRead(
    lambda user_ids: ContactSettings.objects.filter(user_id__in=user_ids).order_by("user_id")
)


def settings_of_many(user_ids) -> dict[int, ContactSettings]:
    user_ids = list(user_ids)
    found = {row.user_id: row for row in _SETTINGS_OF_MANY(tuple(user_ids))} if user_ids else {}
    return {user_id: found.get(user_id) or ContactSettings(user_id=user_id) for user_id in user_ids}


_ACTIVE_PARTICIPANTS = CompiledRead(
    lambda conversation_id: (
        Participant.objects.filter(conversation_id=conversation_id, left_at__isnull=True)
        .select_related("user__municipality")
        .order_by("joined_at", "id")
    )
)


def active_participants(conversation) -> list[Participant]:
    return _ACTIVE_PARTICIPANTS(conversation.pk)


def longest_participant_id(conversation, besides=None) -> int | None:
    """The current participant in good standing (verified, not suspended) who joined first,
    other than ``besides``: the next manager, or None."""
    return (
        Participant.objects.filter(
            conversation=conversation, left_at__isnull=True, user__status=User.Status.VERIFIED
        )
        .exclude(user_id=getattr(besides, "pk", None))
        .order_by("joined_at", "id")
        .values_list("user_id", flat=True)
        .first()
    )


# Read on every profile, in both directions: compiled once (core.compiled).
_BLOCK = CompiledRead(
    lambda blocker_id, blocked_id: Block.objects.filter(
        blocker_id=blocker_id, blocked_id=blocked_id
    ).values_list("pk", flat=True)[:1]
)


def is_blocked_by(recipient, user) -> bool:
    return bool(_BLOCK(recipient.pk, user.pk))


def shares_board(user, other) -> bool:
    mine = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values("board_id")
    return Membership.objects.filter(
        user=other, state=Membership.State.ACTIVE, board_id__in=mine
    ).exists()


def talks_already(user, other) -> bool:
    """Both take part in some conversation now."""
    theirs = Participant.objects.filter(user=other, left_at__isnull=True).values("conversation_id")
    return Participant.objects.filter(
        user=user, left_at__isnull=True, conversation_id__in=theirs
    ).exists()


def did_job_in_field(member, field) -> bool:
    """The member said "ask me" and has held a job in ``field`` (a ``fields.Field``)."""
    if field is None or not getattr(member, "ask_me", False):
        return False
    return Assignment.objects.filter(
        user=member, field=field, started_on__lte=timezone.localdate()
    ).exists()


def may_contact(user, recipient, field=None) -> bool:
    """``permissions.can_contact`` with the facts looked up (a few small queries). ``field``:
    the field of work the question is about (from a field's list of people to ask)."""
    if not user.is_authenticated or user.pk == recipient.pk:
        return False
    preference = settings_of(recipient).who_may_contact
    everyone = preference == ContactSettings.WhoMayContact.EVERYONE
    return permissions.can_contact(
        user,
        recipient,
        who_may_contact=preference,
        blocked=is_blocked_by(recipient, user),
        shares_board=not everyone and shares_board(user, recipient),
        talks_already=not everyone and talks_already(user, recipient),
        asks_about_their_field=not everyone and did_job_in_field(recipient, field),
    )


def started_in_last_day(user) -> int:
    since = timezone.now() - timedelta(days=1)
    return Conversation.objects.filter(starter=user, created_at__gte=since).count()


@dataclass
class Row:
    conversation: Conversation
    others: list
    unread: int


def conversation_rows(user) -> list[Row]:
    """The member's current conversations, latest activity first, with unread counts and the
    other participants (three queries)."""
    seats = list(
        Participant.objects.filter(user=user, left_at__isnull=True)
        .select_related("conversation")
        .annotate(unread=F("conversation__message_count") - F("last_read_number"))
        .order_by("-conversation__last_message_at", "-conversation_id")
    )
    others: dict[int, list] = {seat.conversation_id: [] for seat in seats}
    for participant in (
        Participant.objects.filter(conversation_id__in=list(others), left_at__isnull=True)
        .exclude(user=user)
        .select_related("user__municipality")
        .order_by("joined_at", "id")
    ):
        others[participant.conversation_id].append(participant.user)
    return [
        Row(seat.conversation, others[seat.conversation_id], max(0, seat.unread)) for seat in seats
    ]


# Counted on every page a member opens: written as SQL once, since compiling the same ORM
# query again on every page cost about 0.45 ms of the page's CPU. A seat counts while the member
# is in the conversation and it has more messages than they have read.
_UNREAD_CONVERSATIONS_SQL = (
    f"SELECT count(*) FROM {Participant._meta.db_table} p "  # noqa: S608 - table names only
    f"JOIN {Conversation._meta.db_table} c ON c.id = p.conversation_id "
    "WHERE p.user_id = %s AND p.left_at IS NULL AND c.message_count > p.last_read_number"
)


def unread_conversations(user) -> int:
    """The header badge: how many of the member's conversations hold messages they have not
    read (one query, on the index of active seats)."""
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_CONVERSATIONS_SQL, [user.pk])
        return cursor.fetchone()[0]


def _participants_of(conversation_id) -> Q:
    return Q(
        user_id__in=Participant.objects.filter(
            conversation_id=conversation_id, left_at__isnull=True
        ).values("user_id")
    )


def _unread_rows(members: Q, conversation_id):
    unread = F("conversation__message_count") - F("last_read_number")
    return (
        Participant.objects.filter(members, left_at__isnull=True)
        .values("user_id")
        .annotate(
            total=Count("pk", filter=Q(conversation__message_count__gt=F("last_read_number"))),
            here=Max(
                Case(When(conversation_id=conversation_id, then=unread), default=Value(0)),
                output_field=IntegerField(),
            ),
        )
        .values_list("user_id", "here", "total")
        .order_by("user_id")
    )


# After every message, for its participants: compiled once (core.compiled).
_UNREAD_OF_PARTICIPANTS = CompiledRead(
    lambda conversation_id: _unread_rows(_participants_of(conversation_id), conversation_id)
)


def unread_counts_of(
    conversation_id: int, user_ids=None, departed_ids=()
) -> dict[int, tuple[int, int]]:
    """For each member, the unread messages of this conversation and the number of their
    conversations with unread messages (the header badge), in one query. ``user_ids``: the
    members to count (default: the conversation's current participants); ``departed_ids``:
    members who just left (0 here, their other conversations still count)."""
    if user_ids is None and not departed_ids:
        rows = _UNREAD_OF_PARTICIPANTS(conversation_id)
    else:
        if user_ids is None:
            members = _participants_of(conversation_id)
        else:
            members = Q(user_id__in=list(user_ids))
        if departed_ids:
            members |= Q(user_id__in=list(departed_ids))
        rows = _unread_rows(members, conversation_id)
    counts = dict.fromkeys([*(user_ids or ()), *departed_ids], (0, 0))
    counts.update({user_id: (max(0, here), total) for user_id, here, total in rows})
    return counts


def messages_page(conversation, before: int | None = None) -> tuple[list[Message], bool]:
    """The latest messages (or those before ``before``), oldest first, and whether older ones
    exist."""
    rows = (
        Message.objects.filter(conversation=conversation)
        .select_related("author", "author_municipality", "reply_to__author")
        .prefetch_related("attachments")
    )
    if before is not None:
        rows = rows.filter(number__lt=before)
    rows = list(rows.order_by("-number")[: MESSAGES_PER_PAGE + 1])
    has_older = len(rows) > MESSAGES_PER_PAGE
    return list(reversed(rows[:MESSAGES_PER_PAGE])), has_older


def read_states(conversation, viewer, seats=None) -> list[dict]:
    """How far each other participant has read, for read receipts: only those who show
    theirs and have read something, and nothing when the viewer hides their own. ``seats``:
    the active participants, when the caller has them already."""
    seats = active_participants(conversation) if seats is None else seats
    user_ids = [seat.user_id for seat in seats]
    chosen = settings_of_many(user_ids)
    if not permissions.can_see_read_receipts(chosen.get(viewer.pk)):
        return []
    return [
        {"user_id": seat.user_id, "name": seat.user.full_name, "number": seat.last_read_number}
        for seat in seats
        if seat.user_id != viewer.pk
        and seat.last_read_number > 0
        and chosen[seat.user_id].read_receipts
    ]


def open_reports():
    return (
        MessageReport.objects.filter(resolved_at__isnull=True)
        .select_related("reporter__municipality", "message__author__municipality")
        .order_by("created_at", "id")
    )


def report_context(report: MessageReport) -> list[Message]:
    """The reported message with the ten messages before and after it, no more."""
    message = report.message
    low = message.number - REPORT_CONTEXT
    high = message.number + REPORT_CONTEXT
    return list(
        Message.objects.filter(conversation_id=message.conversation_id, number__range=(low, high))
        .select_related("author", "author_municipality")
        .order_by("number")
    )


def export_messages(conversation) -> list[Message]:
    """Every message with its earlier versions, for the participant's export."""
    revisions = MessageRevision.objects.select_related("editor").order_by("created_at", "id")
    return list(
        Message.objects.filter(conversation=conversation)
        .select_related("author", "author_municipality")
        .prefetch_related(Prefetch("revisions", queryset=revisions), "attachments")
        .order_by("number")
    )
