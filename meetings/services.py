"""Every write of meetings: scheduling (with its agenda topic), moving, cancelling, answering,
and the members' calendar feed tokens.

Each verb takes the acting member first, checks ``meetings.permissions`` and writes in one
transaction. The agenda topic and its notices are written through the forums' own verbs; the
members who answered are told through ``notifications.services.notify_meeting``; reminders are
queued for the worker after the commit (``meetings.reminders``).
"""

import contextlib
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from forums import services as forum_services
from forums.queries import membership_of
from meetings import permissions, tasks
from meetings.models import CalendarFeed, Meeting, Rsvp, new_feed_token
from meetings.queries import recipients_of
from meetings.text import when_text
from notifications import services as notifications

MOVE_FIELDS = ("starts_at", "duration_minutes")


def _agenda_body(meeting: Meeting, description: str) -> str:
    link = reverse("meetings:detail", args=[meeting.pk])
    lines = [
        _("Exchange meeting: %(when)s (Japan time)") % {"when": when_text(meeting)},
        "",
        _("Answer and find the meeting link on [the meeting page](%(link)s).") % {"link": link},
        "",
    ]
    if description.strip():
        lines += [description.strip(), ""]
    lines.append(
        _(
            "Post your questions for the meeting here beforehand; notes and materials are "
            "shared here afterwards."
        )
    )
    return "\n".join(lines)


def _validate(starts_at, duration_minutes: int, capacity) -> None:
    if starts_at <= timezone.now():
        raise ValidationError({"date": _("Choose a date and time in the future.")})
    if not 10 <= duration_minutes <= 600:
        raise ValidationError({"duration_minutes": _("A meeting lasts 10 to 600 minutes.")})
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": _("Leave the capacity empty or enter at least 1.")})


@transaction.atomic
def schedule_meeting(
    host,
    board,
    *,
    title,
    starts_at,
    duration_minutes,
    video_url,
    capacity=None,
    description="",
    token: str = "",
) -> Meeting:
    """Announce a meeting and open its agenda topic on the board. The same form ``token``
    twice returns the meeting the first announced."""
    if not permissions.can_schedule_meeting(host, board, membership_of(host, board)):
        raise PermissionDenied(_("Join this board to announce a meeting."))
    _validate(starts_at, duration_minutes, capacity)
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                board=board,
                host=host,
                title=title.strip(),
                description=description.strip(),
                starts_at=starts_at,
                duration_minutes=duration_minutes,
                video_url=video_url,
                capacity=capacity,
                submission_token=token,
            )
    except IntegrityError:
        existing = Meeting.objects.filter(host=host, submission_token=token).first()
        if not token or existing is None:
            raise
        return existing
    # The agenda topic is read by the whole board: written in the site's language, whatever
    # the host's interface speaks.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("[Exchange meeting] %(title)s") % {"title": meeting.title}
        body = _agenda_body(meeting, meeting.description)
    meeting.agenda_topic = forum_services.create_topic(
        host, board, title, body, expects_answer=False
    )
    meeting.save(update_fields=["agenda_topic"])
    tasks.schedule_reminders(meeting)
    # The host attends their own meeting.
    _answer(host, meeting, Rsvp.Answer.ATTENDING)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("board").get(pk=meeting.pk)
    )


def _require_manager(actor, meeting: Meeting) -> None:
    if not permissions.can_manage_meeting(actor, meeting, membership_of(actor, meeting.board)):
        raise PermissionDenied(_("Only the host or a board moderator can change this meeting."))


def _agenda_notice(actor, meeting: Meeting, body: str) -> None:
    topic = meeting.agenda_topic
    if topic is not None and not topic.is_locked:
        # A site moderator outside the board cannot post there: the notifications still go.
        with contextlib.suppress(PermissionDenied):
            forum_services.post_reply(actor, topic, body)


@transaction.atomic
def update_meeting(actor, meeting: Meeting, **changes) -> Meeting:
    """Change a meeting. A new time or length is a move: ``sequence`` goes up (calendar apps
    replace the event), reminders are planned again, and everyone who answered is told."""
    meeting = _locked(meeting)
    _require_manager(actor, meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    before = SimpleNamespace(starts_at=meeting.starts_at, ends_at=meeting.ends_at)
    moved = any(
        field in changes and changes[field] != getattr(meeting, field) for field in MOVE_FIELDS
    )
    starts_at = changes.get("starts_at", meeting.starts_at)
    duration = changes.get("duration_minutes", meeting.duration_minutes)
    capacity = changes.get("capacity", meeting.capacity)
    if moved:
        _validate(starts_at, duration, capacity)
    elif capacity is not None and capacity < 1:
        raise ValidationError({"capacity": _("Leave the capacity empty or enter at least 1.")})
    for name, value in changes.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    if moved:
        meeting.day_reminder_sent_at = None
        meeting.hour_reminder_sent_at = None
    meeting.save()
    _fill_free_seats(meeting)
    # Queued reminders carry the old sequence and stand down; these replace them.
    tasks.schedule_reminders(meeting)
    if moved:
        _agenda_notice(
            actor,
            meeting,
            _("The meeting was moved from %(before)s to %(after)s (Japan time).")
            % {"before": when_text(before), "after": when_text(meeting)},
        )
        notifications.notify_meeting(
            recipients_of(meeting),
            actor,
            _words(gettext_noop("Meeting moved: %(title)s"), title=meeting.title),
            _words(
                gettext_noop("“%(title)s” was moved from %(before)s to %(after)s (Japan time)."),
                title=meeting.title,
                before=lambda: when_text(before),
                after=lambda: when_text(meeting),
            ),
            path=meeting.get_absolute_url(),
            board=meeting.board,
        )
    return meeting


def _words(text: str, **values):
    """A sentence translated later, in each recipient's language; callable values (dates) are
    written then too."""
    return lambda: (
        _(text) % {name: value() if callable(value) else value for name, value in values.items()}
    )


@transaction.atomic
def cancel_meeting(actor, meeting: Meeting, reason: str = "") -> Meeting:
    meeting = _locked(meeting)
    _require_manager(actor, meeting)
    if meeting.is_cancelled:
        return meeting
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason.strip()
    meeting.sequence += 1
    meeting.updated_at = meeting.cancelled_at
    meeting.save()
    _agenda_notice(
        actor,
        meeting,
        _("This meeting was cancelled.") + (f"\n\n{meeting.cancel_reason}" if reason else ""),
    )
    if meeting.cancel_reason:
        message = _words(
            gettext_noop("“%(title)s” on %(when)s was cancelled. Reason: %(reason)s"),
            title=meeting.title,
            when=lambda: when_text(meeting),
            reason=meeting.cancel_reason,
        )
    else:
        message = _words(
            gettext_noop("“%(title)s” on %(when)s was cancelled."),
            title=meeting.title,
            when=lambda: when_text(meeting),
        )
    notifications.notify_meeting(
        recipients_of(meeting),
        actor,
        _words(gettext_noop("Meeting cancelled: %(title)s"), title=meeting.title),
        message,
        path=meeting.get_absolute_url(),
        board=meeting.board,
    )
    return meeting


# --- Answers --------------------------------------------------------------------------------


def _seats_taken(meeting: Meeting) -> int:
    return Rsvp.objects.filter(
        meeting=meeting, answer=Rsvp.Answer.ATTENDING, waitlisted=False
    ).count()


def _answer(user, meeting: Meeting, answer: str) -> Rsvp:
    rsvp = Rsvp.objects.filter(meeting=meeting, user=user).first()
    if rsvp is not None and rsvp.answer == answer:
        return rsvp
    was_seated = rsvp is not None and rsvp.has_seat
    waitlisted = False
    if answer == Rsvp.Answer.ATTENDING and meeting.capacity is not None:
        waitlisted = _seats_taken(meeting) >= meeting.capacity
    if rsvp is None:
        rsvp = Rsvp(meeting=meeting, user=user)
    rsvp.answer = answer
    rsvp.waitlisted = waitlisted
    rsvp.municipality_id = user.municipality_id
    rsvp.answered_at = timezone.now()  # a new "attending" queues at the end of the line
    rsvp.save()
    if was_seated and not rsvp.has_seat:
        _fill_free_seats(meeting)
    return rsvp


def _fill_free_seats(meeting: Meeting) -> list[int]:
    """Give freed seats to the first in line, in order, and tell them."""
    if meeting.is_cancelled:
        return []
    waiting = Rsvp.objects.filter(
        meeting=meeting, answer=Rsvp.Answer.ATTENDING, waitlisted=True
    ).order_by("answered_at", "id")
    if meeting.capacity is not None:
        free = meeting.capacity - _seats_taken(meeting)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.values_list("pk", "user_id"))
    if not promoted:
        return []
    Rsvp.objects.filter(pk__in=[pk for pk, _user in promoted]).update(waitlisted=False)
    user_ids = [user_id for _pk, user_id in promoted]
    notifications.notify_meeting(
        user_ids,
        None,
        _words(gettext_noop("A seat is yours: %(title)s"), title=meeting.title),
        _words(
            gettext_noop("A seat became free at “%(title)s” (%(when)s): you are now attending."),
            title=meeting.title,
            when=lambda: when_text(meeting),
        ),
        path=meeting.get_absolute_url(),
        board=meeting.board,
    )
    return user_ids


@transaction.atomic
def answer_rsvp(user, meeting: Meeting, answer: str) -> Rsvp:
    """Attending, maybe or not. The meeting row is locked, so two answers for the last seat
    are counted one after the other: one gets it, the other waits in line."""
    if answer not in Rsvp.Answer.values:
        raise ValidationError(_("Choose attending, maybe or not attending."))
    meeting = _locked(meeting)
    if not permissions.can_answer_rsvp(user, meeting, membership_of(user, meeting.board)):
        if meeting.is_cancelled:
            raise ValidationError(_("This meeting was cancelled."))
        if meeting.is_over:
            raise ValidationError(_("This meeting is over."))
        raise PermissionDenied(_("Join this board to answer."))
    return _answer(user, meeting, answer)


# --- Calendar feed --------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_of(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def renew_calendar_feed(user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed
