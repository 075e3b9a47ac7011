"""Every write on private conversations: starting one, messages, participants, read state,
contact settings, blocks and reports.

Each function takes the acting user first, checks ``conversations.permissions``, writes inside
one transaction and asks ``conversations.live`` and ``notifications.services`` to act after the
commit, so a rolled-back write neither broadcasts nor notifies.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_verified_member
from attachments import services as attachment_services
from conversations import live, permissions, queries
from conversations.models import (
    Block,
    ContactSettings,
    Conversation,
    Message,
    MessageReport,
    MessageRevision,
    Participant,
)
from core.prefetch import known_empty
from forums import mentions
from forums.markdown import render_markdown
from moderation import audit
from notifications import services as notifications
from notifications.mentions import mentioned_among

EXCERPT_LENGTH = 300


def _refusal() -> PermissionDenied:
    # The same words whatever the reason (a block must not show).
    return PermissionDenied(_("This member cannot receive a conversation from you."))


def _check_contacts(user, recipients, field=None) -> None:
    for recipient in recipients:
        if not queries.may_contact(user, recipient, field):
            raise _refusal()


def _check_size(count: int) -> None:
    if count > settings.CONVERSATION_MAX_PARTICIPANTS:
        raise ValidationError(
            _("A conversation can have at most %(limit)d participants.")
            % {"limit": settings.CONVERSATION_MAX_PARTICIPANTS}
        )


def _existing_submission(author, token: str) -> Message | None:
    if not token:
        return None
    return (
        Message.objects.select_related("conversation")
        .filter(author=author, submission_token=token)
        .first()
    )


# --- Starting and writing -------------------------------------------------------------------


def start_conversation(
    starter,
    recipients,
    body: str,
    title: str = "",
    token: str = "",
    field=None,
    attachment_keys=(),
):
    """Open a conversation with one or more members and its first message. The same form
    token twice returns the first conversation. ``field``: the field of work the question is
    about, when it comes from that field's people to ask (their "ask me" lets it through a
    narrower contact setting)."""
    existing = _existing_submission(starter, token)
    if existing is not None:
        return existing.conversation
    recipients = list({user.pk: user for user in recipients if user.pk != starter.pk}.values())
    if not is_verified_member(starter):
        raise PermissionDenied(_("Only verified members can start conversations."))
    if not recipients:
        raise ValidationError(_("Choose at least one member to write to."))
    _check_size(len(recipients) + 1)
    if not permissions.may_start_more_today(starter, queries.started_in_last_day(starter)):
        raise ValidationError(
            _(
                "New members can start at most %(limit)d conversations a day. You can still "
                "write in your existing conversations."
            )
            % {"limit": settings.CONVERSATION_NEW_MEMBER_DAILY_LIMIT}
        )
    _check_contacts(starter, recipients, field)
    try:
        with transaction.atomic():
            now = timezone.now()
            conversation = Conversation.objects.create(
                title=" ".join(title.split())[:120],
                starter=starter,
                manager=starter,
                created_at=now,
            )
            Participant.objects.bulk_create(
                Participant(conversation=conversation, user=user, joined_at=now)
                for user in [starter, *recipients]
            )
            first = _write(starter, conversation, body, token=token)
            attachment_services.attach_to_message(starter, first, attachment_keys)
    except IntegrityError:
        existing = _existing_submission(starter, token)
        if existing is None:
            raise
        return existing.conversation
    return conversation


def send_message(
    author, conversation, body: str, reply_to=None, token: str = "", attachment_keys=()
) -> Message:
    """Add a message, with the author's pending files of ``attachment_keys`` (uploaded with
    ``attachments.services.upload``). The conversation row is locked while its next number is
    handed out. The same form token twice returns the first message (the unique constraint
    tells, so a first submission costs no extra lookup)."""
    try:
        with transaction.atomic():
            message = _write(author, conversation, body, reply_to=reply_to, token=token)
            attached = attachment_keys and attachment_services.attach_to_message(
                author, message, attachment_keys
            )
            if not attached:
                # Its live event, rendered after the commit, need not look for files.
                known_empty(message, "attachments")
    except IntegrityError:
        existing = _existing_submission(author, token)
        if existing is None:
            raise
        return existing
    return message


def _write(author, conversation, body: str, reply_to=None, token: str = "") -> Message:
    """Write the next message, the conversation row locked. The queries are few on purpose:
    this runs for every message of every conversation, while others wait for it live."""
    conversation = queries.locked_conversation(conversation.pk)
    seats = queries.active_participants(conversation)
    seat = next((seat for seat in seats if seat.user_id == author.pk), None)
    if not permissions.can_write(author, seat):
        raise PermissionDenied(_("You are not in this conversation."))
    chosen = queries.settings_of_many([seat.user_id for seat in seats])
    if reply_to is not None and reply_to.conversation_id != conversation.pk:
        reply_to = None  # a quote only ever comes from the same conversation
    now = timezone.now()
    number = conversation.message_count + 1
    # The row is locked: its event sequence is this transaction's to hand out.
    sequence = conversation.event_sequence + 1
    message = Message.objects.create(
        conversation=conversation,
        number=number,
        author=author,
        # The author's seat brought their organisation along: the live event shows it.
        author_municipality=seat.user.municipality,
        author_department=author.department,
        body=body,
        html=message_html(body, [seat.user for seat in seats]),
        reply_to=reply_to,
        created_at=now,
        submission_token=token,
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        message_count=number, last_message_at=now, event_sequence=sequence
    )
    conversation.message_count = number
    conversation.event_sequence = sequence
    Participant.objects.filter(pk=seat.pk).update(last_read_number=number, last_read_at=now)
    # Whoever writes has read everything before: their read receipt moves too.
    author_read = None
    if chosen[author.pk].read_receipts:
        author_read = {"user_id": author.pk, "name": author.full_name, "number": number}
    live.message_created(message, sequence, conversation, author_read)
    _notify(author, conversation, message, seats, chosen)
    return message


def message_html(body: str, people) -> str:
    """A message's HTML (saved or previewed), its @mentions of ``people`` (the participants,
    as users) linked."""
    names: dict[str, list[int]] = {}
    for person in people:
        names.setdefault(person.display_name, []).append(person.pk)
    named = mentions.named_in(mentions.texts_after_at_signs(body), names) if names else {}
    return render_markdown(body, named)


def _notify(author, conversation, message: Message, seats, chosen) -> None:
    """Tell the other participants (``seats``: the active ones; ``chosen``: their contact
    settings by user id)."""
    seats = [seat for seat in seats if seat.user_id != author.pk and is_verified_member(seat.user)]
    named = {}
    for seat in seats:
        named.setdefault(seat.user.display_name, []).append(seat.user_id)
    mentioned = mentioned_among(message.body, named)
    excerpt = " ".join(message.body.split())[:EXCERPT_LENGTH]
    recipients = [
        {
            "user_id": seat.user_id,
            "mention": seat.user_id in mentioned,
            "excerpt": excerpt if chosen[seat.user_id].email_includes_text else "",
        }
        for seat in seats
    ]
    notifications.notify_private_message(
        recipients, actor=author, path=conversation.get_absolute_url()
    )


@transaction.atomic
def edit_message(editor, message: Message, body: str) -> Message:
    """Change a message's text and keep the earlier one; newly mentioned participants are
    told."""
    message = Message.objects.select_for_update(of=("self",)).get(pk=message.pk)
    seat = queries.seat_of(editor, message.conversation_id)
    if not permissions.can_edit_message(editor, message, seat):
        raise PermissionDenied(_("You cannot edit this message."))
    if body == message.body:
        return message
    MessageRevision.objects.create(message=message, body=message.body, editor=editor)
    previous = message.body
    message.body = body
    mentioned = "@" in body or "＠" in body
    seats = queries.active_participants(seat.conversation) if mentioned else []
    message.html = message_html(body, [seat.user for seat in seats])
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "html", "edited_at"])
    live.message_changed(message, "message.edited")
    if mentioned:
        _notify_new_mentions(editor, seat.conversation, message, previous)
    return message


def _notify_new_mentions(editor, conversation, message: Message, previous: str) -> None:
    seats = [s for s in queries.active_participants(conversation) if s.user_id != editor.pk]
    named = {}
    for seat in seats:
        named.setdefault(seat.user.display_name, []).append(seat.user_id)
    added = mentioned_among(message.body, named) - mentioned_among(previous, named)
    if not added:
        return
    chosen = queries.settings_of_many(list(added))
    excerpt = " ".join(message.body.split())[:EXCERPT_LENGTH]
    notifications.notify_private_message(
        [
            {
                "user_id": user_id,
                "mention": True,
                "excerpt": excerpt if chosen[user_id].email_includes_text else "",
            }
            for user_id in added
        ],
        actor=editor,
        path=conversation.get_absolute_url(),
    )


@transaction.atomic
def message_files_changed(message_id: int) -> None:
    """A message's files were checked (attachments, inside its transaction): open pages of the
    conversation show the message again, with its files as they are now."""
    message = Message.objects.filter(pk=message_id).first()
    if message is not None:
        live.message_changed(message, "message.edited")


def delete_message(actor, message: Message) -> Message:
    """Soft delete: the conversation keeps a placeholder and the message its number; the
    earlier versions go with the text."""
    message = Message.objects.select_for_update(of=("self",)).get(pk=message.pk)
    if message.is_deleted:
        return message
    seat = queries.seat_of(actor, message.conversation_id)
    if not permissions.can_delete_message(actor, message, seat):
        raise PermissionDenied(_("You cannot delete this message."))
    message.deleted_at = timezone.now()
    message.save(update_fields=["deleted_at"])
    live.message_changed(message, "message.deleted")
    return message


# --- Participants ---------------------------------------------------------------------------


@transaction.atomic
def add_participants(actor, conversation, users) -> list[Participant]:
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    seat = queries.seat_of(actor, conversation.pk)
    if not permissions.can_manage_participants(actor, conversation, seat):
        raise PermissionDenied(_("Only the person who manages this conversation can add people."))
    current = {p.user_id for p in queries.active_participants(conversation)}
    users = [user for user in {user.pk: user for user in users}.values() if user.pk not in current]
    if not users:
        return []
    _check_size(len(current) + len(users))
    _check_contacts(actor, users)
    now = timezone.now()
    added = []
    for user in users:
        participant, created = Participant.objects.get_or_create(
            conversation=conversation, user=user, defaults={"joined_at": now}
        )
        if not created:
            # Back after leaving: they read on from now, not what was said meanwhile.
            participant.left_at = None
            participant.removed_by = None
            participant.joined_at = now
            participant.last_read_number = conversation.message_count
            participant.save(
                update_fields=["left_at", "removed_by", "joined_at", "last_read_number"]
            )
        added.append(participant)
    live.participants_changed(conversation)
    return added


@transaction.atomic
def remove_participant(actor, conversation, user) -> None:
    seat = queries.seat_of(actor, conversation.pk)
    if not permissions.can_manage_participants(actor, conversation, seat) or user.pk == actor.pk:
        raise PermissionDenied(
            _("Only the person who manages this conversation can remove people.")
        )
    updated = Participant.objects.filter(
        conversation=conversation, user=user, left_at__isnull=True
    ).update(left_at=timezone.now(), removed_by=actor)
    if updated:
        live.participants_changed(conversation, departed=[user])


@transaction.atomic
def leave_conversation(user, conversation) -> None:
    """Anyone can leave. When the manager leaves, the participant who has been in the
    conversation longest manages it from then on, so a group never loses the one who can add
    and remove people; everybody sees the new manager in the list of participants."""
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    seat = queries.seat_of(user, conversation.pk)
    if not permissions.can_leave(user, seat):
        return
    Participant.objects.filter(pk=seat.pk).update(left_at=timezone.now())
    if conversation.manager_id == user.pk:
        conversation.manager_id = queries.longest_participant_id(conversation, besides=user)
        conversation.save(update_fields=["manager"])
    notifications.private_conversation_read(user, conversation.get_absolute_url())
    live.participants_changed(conversation, departed=[user])


@transaction.atomic
def hand_over_management(member) -> None:
    """A suspended member no longer manages any group: each group they managed passes to the
    participant in good standing who has been in it longest (as when a manager leaves), and
    its participants see the new manager. The member keeps their seat, so that reinstating
    them gives their conversations back."""
    managed = Conversation.objects.select_for_update(of=("self",)).filter(manager=member)
    for conversation in managed:
        conversation.manager_id = queries.longest_participant_id(conversation, besides=member)
        conversation.save(update_fields=["manager"])
        live.participants_changed(conversation)


def mark_read(user, seat: Participant, number: int) -> bool:
    """Remember how far the member has read; writes (and opens a transaction) only when they
    read further."""
    number = min(number, seat.conversation.message_count)
    if number <= seat.last_read_number:
        return False
    with transaction.atomic():
        Participant.objects.filter(pk=seat.pk).update(
            last_read_number=Greatest(F("last_read_number"), number), last_read_at=timezone.now()
        )
        seat.last_read_number = number
        notifications.private_conversation_read(user, seat.conversation.get_absolute_url())
        live.read_advanced(seat, user.full_name, queries.settings_of(user).read_receipts)
    return True


# --- Settings and blocks --------------------------------------------------------------------


@transaction.atomic
def save_contact_settings(user, **values) -> ContactSettings:
    contact_settings, _created = ContactSettings.objects.update_or_create(
        user=user, defaults=values
    )
    return contact_settings


@transaction.atomic
def block_member(user, other) -> Block:
    if other.pk == user.pk:
        raise ValidationError(_("You cannot block yourself."))
    block, _created = Block.objects.get_or_create(blocker=user, blocked=other)
    return block


@transaction.atomic
def unblock_member(user, other) -> None:
    Block.objects.filter(blocker=user, blocked=other).delete()


# --- Reports --------------------------------------------------------------------------------


@transaction.atomic
def report_message(reporter, message: Message, reason: str, note: str = "") -> MessageReport:
    seat = queries.seat_of(reporter, message.conversation_id)
    if not permissions.can_report_message(reporter, message, seat):
        raise PermissionDenied(_("You cannot report this message."))
    if reason not in MessageReport.Reason.values:
        raise ValidationError(_("Choose a reason."))
    report, _created = MessageReport.objects.get_or_create(
        message=message,
        reporter=reporter,
        resolved_at=None,
        defaults={"reason": reason, "note": note.strip()},
    )
    return report


def _report_label(report: MessageReport) -> str:
    return f"{report.message.author.full_name} #{report.message.number}"


@transaction.atomic
def record_report_viewed(moderator, report: MessageReport) -> None:
    """A site moderator opened a report and so read part of a private conversation."""
    if not permissions.can_review_reports(moderator):
        raise PermissionDenied
    audit.record(
        moderator,
        audit.Action.CONVERSATION_REPORT_VIEWED,
        target_user=report.message.author,
        label=_report_label(report),
        after={"report": report.pk, "conversation": report.message.conversation_id},
    )


@transaction.atomic
def resolve_report(moderator, report: MessageReport, note: str = "") -> MessageReport:
    if not permissions.can_review_reports(moderator):
        raise PermissionDenied
    if not report.is_open:
        return report
    report.resolved_at = timezone.now()
    report.resolved_by = moderator
    report.save(update_fields=["resolved_at", "resolved_by"])
    audit.record(
        moderator,
        audit.Action.CONVERSATION_REPORT_RESOLVED,
        target_user=report.message.author,
        label=_report_label(report),
        reason=note,
        after={"report": report.pk, "conversation": report.message.conversation_id},
    )
    return report


# --- Retention ------------------------------------------------------------------------------


def purge_expired(days: int, now=None) -> int:
    """Delete conversations whose last message is older than ``days`` (0: keep all)."""
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        expired = Conversation.objects.filter(last_message_at__lt=cutoff)
        count = expired.count()
        expired.delete()
    return count
