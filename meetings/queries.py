"""Reads of meetings: a board's list, a member's week, a meeting's answers and the feeds.

``upcoming_for_boards`` is what other pages (the board page, the home page, a field's page)
call to list meetings; it does no permission check itself: callers pass boards whose meetings
the member may see (``readable_meeting_boards``).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.compiled import CompiledRead
from forums.models import Membership
from meetings.models import Meeting, Rsvp


def _upcoming(boards, viewer, since, until=None):
    """Meetings of ``boards`` starting after ``since`` (and before ``until``), cancelled ones
    left out, soonest first; with ``viewer`` (a member or their id), their own answer and the
    number attending."""
    rows = Meeting.objects.filter(
        board__in=boards, cancelled_at__isnull=True, starts_at__gt=since
    ).select_related("board")
    if viewer is not None:
        rows = rows.annotate(
            my_answer=Coalesce(
                Subquery(
                    Rsvp.objects.filter(meeting=OuterRef("pk"), user=viewer).values("answer")[:1]
                ),
                Value(""),
            ),
            attending_count=Count(
                "rsvps", filter=Q(rsvps__answer="attending", rsvps__waitlisted=False)
            ),
        )
    if until is not None:
        rows = rows.filter(starts_at__lt=until)
    return rows.order_by("starts_at", "id")


def upcoming_for_boards(
    boards, *, viewer=None, now=None, within: timedelta | None = None, limit: int = 10
):
    """Meetings of these boards that have not ended, soonest first, cancelled ones left out:
    one query. ``boards`` is a list of boards or ids, or a queryset of ids. With ``viewer``,
    each meeting carries ``my_answer`` ("" when not answered) and ``attending_count``."""
    now = now or timezone.now()
    until = now + within if within is not None else None
    meetings = list(_upcoming(boards, viewer, now - STILL_UPCOMING, until)[: limit * 2])
    return _not_ended(meetings, now, limit)


def _not_ended(meetings, now, limit: int) -> list[Meeting]:
    return [meeting for meeting in meetings if meeting.ends_at > now][:limit]


# A meeting that started up to 12 hours ago may still be running.
STILL_UPCOMING = timedelta(hours=12)
BOARD_BOX_SIZE = 3
# The board page's box, on every board page a member opens: compiled once (core.compiled).
_BOARD_BOX = CompiledRead(
    lambda board_id, viewer_id, since: _upcoming([board_id], viewer_id, since)[: BOARD_BOX_SIZE * 2]
)


FIELD_BOX_SIZE = 5
# A field's page: the meetings of its boards the member may see, compiled once per number of
# boards (core.compiled).
_BOARDS_BOX = CompiledRead(
    lambda board_ids, viewer_id, since: _upcoming(board_ids, viewer_id, since)[: FIELD_BOX_SIZE * 2]
)


def boards_box(board_ids, viewer, now=None) -> list[Meeting]:
    """The next FIELD_BOX_SIZE meetings of several boards, as ``upcoming_for_boards`` lists
    them for ``viewer``; none without boards."""
    if not board_ids:
        return []
    now = now or timezone.now()
    meetings = _BOARDS_BOX(tuple(board_ids), viewer.pk, now - STILL_UPCOMING)
    return _not_ended(meetings, now, FIELD_BOX_SIZE)


def board_box(board, viewer, now=None) -> list[Meeting]:
    """The next BOARD_BOX_SIZE meetings of one board, as ``upcoming_for_boards`` lists them
    for ``viewer``."""
    now = now or timezone.now()
    return _not_ended(_BOARD_BOX(board.pk, viewer.pk, now - STILL_UPCOMING), now, BOARD_BOX_SIZE)


def member_board_ids(user):
    """Ids of the boards where the member is active: whose meetings they see and get."""
    return Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values("board_id")


WEEK_SIZE = 5
# The home page's list, on every visit of the home page: compiled once (core.compiled).
_THIS_WEEK = CompiledRead(
    lambda user_id, since, until: _upcoming(member_board_ids(user_id), user_id, since, until)[
        : WEEK_SIZE * 2
    ]
)


def this_week_for(user, *, now=None):
    """The home page's "this week": meetings of the member's boards in the next 7 days, each
    with the member's own answer (``my_answer``). One query."""
    now = now or timezone.now()
    meetings = _THIS_WEEK(user.pk, now - STILL_UPCOMING, now + timedelta(days=7))
    return _not_ended(meetings, now, WEEK_SIZE)


def with_my_answers(meetings, user):
    answers = dict(
        Rsvp.objects.filter(meeting__in=meetings, user=user).values_list("meeting_id", "answer")
    )
    for meeting in meetings:
        meeting.my_answer = answers.get(meeting.pk, "")
    return meetings


def board_meetings(board, *, now=None):
    """A board's meetings page: upcoming ones (cancelled included, so nobody misses that) and
    the last 20 past ones, with answer counts (two queries)."""
    now = now or timezone.now()
    counted = Meeting.objects.filter(board=board).annotate(
        attending_count=Count(
            "rsvps", filter=Q(rsvps__answer="attending", rsvps__waitlisted=False)
        ),
        maybe_count=Count("rsvps", filter=Q(rsvps__answer="maybe")),
    )
    upcoming = list(counted.filter(starts_at__gte=now - timedelta(hours=12)).order_by("starts_at"))
    upcoming = [meeting for meeting in upcoming if meeting.ends_at > now]
    past = list(
        counted.filter(starts_at__lt=now)
        .exclude(pk__in=[meeting.pk for meeting in upcoming])
        .order_by("-starts_at")[:20]
    )
    return upcoming, past


@dataclass
class Answers:
    attending: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    maybe: list = field(default_factory=list)
    not_attending: list = field(default_factory=list)
    organisations: list = field(default_factory=list)


def answers_of(meeting) -> Answers:
    """Everyone's answers, the waiting list in its order, and the attending organisations
    (local-government code order, each once). One query."""
    answers = Answers()
    rows = (
        Rsvp.objects.filter(meeting=meeting)
        .select_related("user", "municipality")
        .order_by("answered_at", "id")
    )
    seen = {}
    for rsvp in rows:
        if rsvp.answer == Rsvp.Answer.ATTENDING:
            if rsvp.waitlisted:
                answers.waiting.append(rsvp)
            else:
                answers.attending.append(rsvp)
                if rsvp.municipality_id and rsvp.municipality_id not in seen:
                    seen[rsvp.municipality_id] = rsvp.municipality
        elif rsvp.answer == Rsvp.Answer.MAYBE:
            answers.maybe.append(rsvp)
        else:
            answers.not_attending.append(rsvp)
    # Local-government code order; national bodies (no code) after them.
    answers.organisations = sorted(
        seen.values(), key=lambda organisation: (organisation.code is None, organisation.code or "")
    )
    return answers


def rsvp_of(user, meeting) -> Rsvp | None:
    return Rsvp.objects.filter(meeting=meeting, user=user).first()


def waiting_position(rsvp: Rsvp | None) -> int | None:
    """1 for the first in line; None when the member is not waiting."""
    if rsvp is None or not rsvp.waitlisted:
        return None
    ahead = Rsvp.objects.filter(
        meeting_id=rsvp.meeting_id, answer=Rsvp.Answer.ATTENDING, waitlisted=True
    ).filter(Q(answered_at__lt=rsvp.answered_at) | Q(answered_at=rsvp.answered_at, id__lt=rsvp.pk))
    return ahead.count() + 1


def feed_meetings(user, *, now=None):
    """A member's calendar feed: meetings of their boards they answered attending or maybe
    (waiting list included), from 60 days back, cancelled ones marked as such."""
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(
            board__in=member_board_ids(user),
            starts_at__gte=now - timedelta(days=60),
            rsvps__user=user,
            rsvps__answer__in=[Rsvp.Answer.ATTENDING, Rsvp.Answer.MAYBE],
        )
        .select_related("board")
        .order_by("starts_at")
    )


def recipients_of(meeting, answers=None) -> list[int]:
    """Everyone who answered (whatever the answer): told when it moves or is cancelled."""
    queryset = Rsvp.objects.filter(meeting=meeting)
    if answers is not None:
        queryset = queryset.filter(answer__in=answers)
    return list(queryset.values_list("user_id", flat=True))
