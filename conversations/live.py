"""The only place that builds and sends live events of private conversations.

Like topics (``forums.live``): every event that changes what a conversation shows is recorded
as a ``ConversationEvent`` with the conversation's next ``sequence`` inside the writing
transaction and sent from ``transaction.on_commit``, so a rolled-back write never broadcasts
and a page that notices a gap (or reconnects) fetches ``events_since`` from the database.

Event shapes (JSON, as sent to sockets, server-sent-event streams and the catch-up URL):
- ``message.created`` / ``message.edited`` / ``message.deleted``: ``{"type",
  "conversation_id", "sequence", "message_id", "number", "html"}``, and on a live
  ``message.created`` the author's read receipt ``"read": {"user_id", "name", "number"}``
  when the author shows theirs; ``html`` is
  ``conversations/_message.html`` rendered once for everybody, with the viewer's own controls
  hidden (the page's script shows them by the same rules as ``conversation_tags``).
- ``participants.changed``: ``{"type", "conversation_id", "sequence", "html"}`` (the list of
  participants, ``conversations/_participants.html``).
- Not recorded (state, not history; ``"sequence": null``): ``typing`` ``{"user_id",
  "name"}`` and ``read`` ``{"user_id", "name", "number"}``; after a catch-up the socket and
  the stream send ``reads`` ``{"reads": [{"user_id", "name", "number"}]}`` (the catch-up URL
  returns the same list as ``"reads"``).
- Each participant's user group gets ``{"type": "conversation.activity", "conversation_id",
  "unread", "unread_conversations"}``: ``unread`` is the number of unread messages of this
  conversation (the conversations page updates its list), ``unread_conversations`` the number
  of the member's conversations with unread messages (the header badge). A member who leaves
  or is removed gets it too (with ``unread`` 0) and ``access.changed`` (their sockets check
  again and close).

Every send goes through ``core.broadcast`` from ``transaction.on_commit``: the writer's request
hands the event to the server's loop and returns, and events of one conversation leave in
sequence order.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string

from accounts.live import member_access_changed, user_group
from accounts.models import User
from conversations.models import Conversation, ConversationEvent, Message, Participant
from conversations.queries import active_participants, read_states, unread_counts_of
from core import broadcast
from core.fragments import SHARED_CSRF_PLACEHOLDER
from core.languages import in_each_language

logger = logging.getLogger(__name__)

CATCH_UP_LIMIT = 500

__all__ = ["member_access_changed"]


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def _send_after_commit(group: str, message: dict) -> None:
    transaction.on_commit(lambda: broadcast.send(group, message, after_answer=False))


def _record(
    conversation_id: int, kind: str, message_id: int | None, sequence: int | None = None
) -> ConversationEvent:
    """Hand out the next sequence number. The UPDATE locks the conversation row until the
    transaction ends, so events commit in sequence order. ``sequence``: handed out already by
    a caller that holds the row locked and wrote the counter itself (a new message)."""
    if sequence is None:
        Conversation.objects.filter(pk=conversation_id).update(
            event_sequence=F("event_sequence") + 1
        )
        sequence = Conversation.objects.values_list("event_sequence", flat=True).get(
            pk=conversation_id
        )
    return ConversationEvent.objects.create(
        conversation_id=conversation_id, sequence=sequence, kind=kind, message_id=message_id
    )


def _event(
    conversation_id: int,
    kind: str,
    message_id: int | None = None,
    *,
    sequence: int | None = None,
    conversation: Conversation | None = None,
    extra: dict | None = None,
    message: Message | None = None,
) -> None:
    event = _record(conversation_id, kind, message_id, sequence)

    def send() -> None:
        def render() -> dict:
            event_now = render_event(event, conversation=now, message=written, people=people)
            return {**event_now, **(extra or {})}

        try:  # what the event shows is read once, then drawn in each language
            now = conversation or Conversation.objects.get(pk=event.conversation_id)
            written = message
            if written is None and event.message_id:
                written = _messages().get(pk=event.message_id)
            people = active_participants(now) if kind == "participants.changed" else None
            rendered = in_each_language(render)
        except Exception:
            logger.warning("Live event %s was not rendered", event, exc_info=True)
            return
        broadcast.send(
            conversation_group(conversation_id),
            {"type": "conversation.event", "events": rendered},
            after_answer=False,
        )

    transaction.on_commit(send)


def render_message(message: Message, conversation: Conversation) -> str:
    context = {
        "message": message,
        "conversation": conversation,
        "viewer_id": None,
        "csrf_token": SHARED_CSRF_PLACEHOLDER,
    }
    return render_to_string("conversations/_message.html", context)


def render_participants(conversation: Conversation, participants=None) -> str:
    context = {
        "conversation": conversation,
        "participants": active_participants(conversation) if participants is None else participants,
        "viewer_id": None,
        "csrf_token": SHARED_CSRF_PLACEHOLDER,
    }
    return render_to_string("conversations/_participants.html", context)


def _messages():
    return Message.objects.select_related(
        "author", "author_municipality", "reply_to__author"
    ).prefetch_related("attachments")


def render_event(
    event: ConversationEvent,
    conversation: Conversation | None = None,
    message: Message | None = None,
    people=None,
) -> dict:
    """The JSON of one event, from the database as it is now (``people``: the participants,
    when the caller has read them)."""
    conversation = conversation or Conversation.objects.get(pk=event.conversation_id)
    payload = {
        "type": event.kind,
        "conversation_id": event.conversation_id,
        "sequence": event.sequence,
    }
    if event.kind == "participants.changed":
        payload["html"] = render_participants(conversation, people)
        return payload
    if message is None and event.message_id:
        message = _messages().get(pk=event.message_id)
    if message is not None:
        payload.update(
            message_id=message.pk,
            number=message.number,
            html=render_message(message, conversation),
        )
    return payload


def events_since(conversation: Conversation, sequence: int) -> list[dict] | None:
    """Every event after ``sequence``, or None when too much was missed to replay."""
    rows = list(
        ConversationEvent.objects.filter(conversation=conversation, sequence__gt=sequence).order_by(
            "sequence"
        )[: CATCH_UP_LIMIT + 1]
    )
    if len(rows) > CATCH_UP_LIMIT:
        return None
    messages = _messages().in_bulk({row.message_id for row in rows if row.message_id})
    return [
        render_event(row, conversation=conversation, message=messages.get(row.message_id))
        for row in rows
    ]


def catch_up(conversation_id: int, since: int | None) -> list[dict] | None:
    """What a (re)connecting page missed after ``since``; None: too much, reload."""
    if since is None:
        return []
    conversation = Conversation.objects.get(pk=conversation_id)
    return events_since(conversation, since)


def reads_event(conversation_id: int, viewer_id: int) -> dict:
    """The read receipts as they are now, sent after a catch-up (``{"type": "reads"}``)."""
    conversation = Conversation.objects.get(pk=conversation_id)
    viewer = User.objects.get(pk=viewer_id)
    return {
        "type": "reads",
        "conversation_id": conversation_id,
        "sequence": None,
        "reads": read_states(conversation, viewer),
    }


# --- Verbs called by conversations.services inside their transactions ----------------------


def message_created(
    message: Message, sequence: int, conversation: Conversation, author_read: dict | None = None
) -> None:
    """A new message, whose writer holds ``conversation`` locked and handed out its event
    ``sequence``. ``author_read``: the author's read receipt (``{"user_id", "name",
    "number"}``) when they show theirs; it rides on the live event (``"read"``) rather than
    being a send of its own, since whoever writes has read everything before. The writer's
    ``message`` (its author, organisation and quoted message loaded) is rendered as it is, not
    read again; its files are read after the commit, when they are attached."""
    _event(
        message.conversation_id,
        "message.created",
        message.pk,
        sequence=sequence,
        conversation=conversation,
        extra={"read": author_read} if author_read else None,
        message=message,
    )
    _activity(message.conversation_id)


def message_changed(message: Message, kind: str) -> None:
    _event(message.conversation_id, kind, message.pk)


def participants_changed(conversation: Conversation, departed=()) -> None:
    _event(conversation.pk, "participants.changed")
    for user in departed:
        member_access_changed(user)
    _activity(conversation.pk, departed_ids=[user.pk for user in departed])


def _activity(conversation_id: int, departed_ids=(), only_user_id: int | None = None) -> None:
    """After the commit, each participant's pages (or only ``only_user_id``'s) learn their
    unread counts, and those who just left that they have nothing to read here any more (one
    query for all of them)."""

    def send() -> None:
        user_ids = None if only_user_id is None else [only_user_id]
        counts = unread_counts_of(conversation_id, user_ids, departed_ids)
        broadcast.send_many(
            [
                (
                    user_group(user_id),
                    {
                        "type": "user.event",
                        "event": {
                            "type": "conversation.activity",
                            "conversation_id": conversation_id,
                            "unread": unread,
                            "unread_conversations": total,
                        },
                    },
                )
                for user_id, (unread, total) in counts.items()
            ],
            after_answer=False,
        )

    transaction.on_commit(send)


def read_advanced(seat: Participant, name: str, shows_receipts: bool) -> None:
    """The participant read up to ``seat.last_read_number``: their other pages' counts, and
    the others' read receipts when the reader shows them."""
    _activity(seat.conversation_id, only_user_id=seat.user_id)
    if not shows_receipts:
        return
    receipt = {
        "type": "read",
        "conversation_id": seat.conversation_id,
        "sequence": None,
        "user_id": seat.user_id,
        "name": name,
        "number": seat.last_read_number,
    }
    _send_after_commit(
        conversation_group(seat.conversation_id),
        {"type": "conversation.event", "event": receipt},
    )


async def typing(layer, conversation_id: int, user_id: int, name: str) -> None:
    """Someone is typing: sent at once to the conversation's sockets, never recorded."""
    event = {
        "type": "typing",
        "conversation_id": conversation_id,
        "sequence": None,
        "user_id": user_id,
        "name": name,
    }
    await layer.group_send(
        conversation_group(conversation_id), {"type": "conversation.event", "event": event}
    )
