"""Who may see and do what in private conversations. Pure functions: views, consumers, the
event stream, notifications and templates all ask these.

The account rules are the boards' (``accounts.permissions.is_verified_member``): only verified,
active members take part. ``seat`` is the user's ``Participant`` row of the conversation (or
None), looked up once per request with ``conversations.queries.seat_of``. Whatever a member
may not read does not exist for them: views answer 404, sockets close.
"""

from django.conf import settings
from django.utils import timezone

from accounts.permissions import can_moderate_site, is_verified_member
from conversations.models import ContactSettings, Conversation, Message, Participant

WhoMayContact = ContactSettings.WhoMayContact


def is_active_participant(seat: Participant | None) -> bool:
    return seat is not None and seat.is_active


def can_view_conversation(user, seat: Participant | None) -> bool:
    """Only the current participants read a conversation: not former participants, not
    moderators (they see reported messages through ``can_review_reports``)."""
    return is_verified_member(user) and is_active_participant(seat)


def can_write(user, seat: Participant | None) -> bool:
    return can_view_conversation(user, seat)


def can_edit_message(user, message: Message, seat: Participant | None) -> bool:
    return can_write(user, seat) and message.author_id == user.pk and not message.is_deleted


def can_delete_message(user, message: Message, seat: Participant | None) -> bool:
    return can_edit_message(user, message, seat)


def can_report_message(user, message: Message, seat: Participant | None) -> bool:
    return can_view_conversation(user, seat) and message.author_id != user.pk


def can_manage_participants(user, conversation: Conversation, seat: Participant | None) -> bool:
    """The conversation's manager adds and removes participants: the person who started it,
    until they leave (``services.leave_conversation`` hands the role on)."""
    return can_write(user, seat) and conversation.manager_id == user.pk


def can_leave(user, seat: Participant | None) -> bool:
    return user.is_authenticated and is_active_participant(seat)


def can_contact(
    user,
    recipient,
    *,
    who_may_contact: str,
    blocked: bool,
    shares_board: bool,
    talks_already: bool,
    asks_about_their_field: bool = False,
) -> bool:
    """May ``user`` start a conversation with ``recipient`` (or add them to one)?

    ``blocked``: the recipient blocked the user (the user is never told: the answer looks the
    same as a contact setting that does not let them in). ``asks_about_their_field``: the
    recipient said "ask me" about a field and the user asks about it, which overrides a
    narrower contact setting (not a block).
    """
    if not is_verified_member(user) or not is_verified_member(recipient):
        return False
    if user.pk == recipient.pk or blocked:
        return False
    if who_may_contact == WhoMayContact.EVERYONE or talks_already or asks_about_their_field:
        return True
    if who_may_contact == WhoMayContact.SHARED_BOARD:
        return shares_board
    return False


def is_new_member(user, now=None) -> bool:
    """Verified less than ``CONVERSATION_NEW_MEMBER_DAYS`` ago (the start of the daily limit)."""
    verified_at = user.status_changed_at or user.date_joined
    age = (now or timezone.now()) - verified_at
    return age.days < settings.CONVERSATION_NEW_MEMBER_DAYS


def may_start_more_today(user, started_in_last_day: int) -> bool:
    if not is_new_member(user):
        return True
    return started_in_last_day < settings.CONVERSATION_NEW_MEMBER_DAILY_LIMIT


def can_review_reports(user) -> bool:
    return can_moderate_site(user)


def can_see_read_receipts(viewer_settings: ContactSettings | None) -> bool:
    """Read receipts go both ways: who hides theirs sees nobody else's."""
    return viewer_settings is None or viewer_settings.read_receipts
