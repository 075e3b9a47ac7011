"""iCalendar files: one meeting's ``.ics`` download and a member's private feed.

Times are written with ``TZID=Asia/Tokyo`` and the VTIMEZONE that goes with it, so calendar apps
set anywhere show the meeting at its Japan time. The ``UID`` is fixed when the meeting is made
and ``SEQUENCE`` rises with each change: importing the file again, or the feed's next refresh,
updates the same event; a cancelled meeting keeps its UID with ``STATUS:CANCELLED``.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from meetings.models import Meeting

TOKYO = ZoneInfo("Asia/Tokyo")
PRODID = "-//Online City Hall//Exchange meetings//JA"


def _calendar(name: str, method: str = "PUBLISH") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    return calendar


def _event(meeting: Meeting) -> Event:
    page = settings.SITE_URL + meeting.get_absolute_url()
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", meeting.updated_at.astimezone(ZoneInfo("UTC")))
    event.add("created", meeting.created_at.astimezone(ZoneInfo("UTC")))
    event.add("last-modified", meeting.updated_at.astimezone(ZoneInfo("UTC")))
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at.astimezone(TOKYO))
    event.add("dtend", meeting.ends_at.astimezone(TOKYO))
    event.add("summary", meeting.title)
    description = [meeting.description, "", page] if meeting.description else [page]
    if meeting.is_cancelled and meeting.cancel_reason:
        description = [meeting.cancel_reason, "", *description]
    event.add("description", "\n".join(description))
    event.add("location", meeting.video_url)
    event.add("url", page)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if meeting.is_cancelled else "OPAQUE")
    return event


def meeting_ics(meeting: Meeting) -> bytes:
    calendar = _calendar(meeting.board.name, "CANCEL" if meeting.is_cancelled else "PUBLISH")
    calendar.add_component(_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_ics(meetings, name: str) -> bytes:
    calendar = _calendar(name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def filename(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}-{timezone.localtime(meeting.starts_at):%Y%m%d}.ics"
