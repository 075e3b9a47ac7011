"""The .ics of a meeting (Japan time zone, a UID that survives changes, cancellation) and the
private per-member feed (revocable token; another member's token refused)."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from meetings import services
from meetings.models import CalendarFeed
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def events_of(content: bytes):
    return [component for component in Calendar.from_ical(content).walk("VEVENT")]


def ics(login, user, meeting):
    response = login(user).get(f"/meetings/{meeting.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content


def test_ics_is_in_japan_time_with_its_timezone(login, colleague, meeting):
    content = ics(login, colleague, meeting)
    [event] = events_of(content)
    assert b"DTSTART;TZID=Asia/Tokyo:" in content
    assert b"BEGIN:VTIMEZONE" in content and b"TZID:Asia/Tokyo" in content
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=90)
    assert str(event["summary"]) == meeting.title
    assert str(event["location"]) == meeting.video_url


def test_uid_is_stable_when_the_meeting_moves_and_sequence_rises(login, colleague, host, meeting):
    [before] = events_of(ics(login, colleague, meeting))
    services.update_meeting(host, meeting, starts_at=meeting.starts_at + timedelta(days=1))
    [after] = events_of(ics(login, colleague, meeting))
    assert str(after["uid"]) == str(before["uid"]) == meeting.uid
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtstart") - before.decoded("dtstart") == timedelta(days=1)


def test_cancelled_meeting_keeps_its_uid_with_status_cancelled(login, colleague, host, meeting):
    services.cancel_meeting(host, meeting, "台風接近のため中止します。")
    content = ics(login, colleague, meeting)
    [event] = events_of(content)
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == meeting.uid
    assert b"METHOD:CANCEL" in content


def feed_path(user, token=None):
    feed = services.calendar_feed_of(user)
    return f"/meetings/calendar/{user.pk}/{token or feed.token}.ics"


def test_feed_lists_the_members_meetings_without_a_session(client, colleague, meeting):
    services.answer_rsvp(colleague, meeting, "attending")
    response = client.get(feed_path(colleague))
    assert response.status_code == 200
    [event] = events_of(response.content)
    assert str(event["uid"]) == meeting.uid


def test_feed_leaves_out_meetings_answered_not_attending(client, colleague, meeting):
    services.answer_rsvp(colleague, meeting, "not")
    assert events_of(client.get(feed_path(colleague)).content) == []


def test_feed_shows_a_cancellation(client, colleague, host, meeting):
    services.answer_rsvp(colleague, meeting, "maybe")
    services.cancel_meeting(host, meeting)
    [event] = events_of(client.get(feed_path(colleague)).content)
    assert str(event["status"]) == "CANCELLED"


def test_renewing_the_token_revokes_the_old_address(client, login, colleague, meeting):
    old = feed_path(colleague)
    response = login(colleague).post("/meetings/calendar/renew/")
    assert response.status_code == 302
    assert client.get(old).status_code == 404
    assert client.get(feed_path(colleague)).status_code == 200


def test_another_members_token_is_refused(client, colleague, villager):
    villagers_token = services.calendar_feed_of(villager).token
    assert client.get(feed_path(colleague, token=villagers_token)).status_code == 404
    assert client.get(f"/meetings/calendar/{colleague.pk}/not-a-token.ics").status_code == 404


def test_a_member_who_left_the_board_loses_its_meetings_from_the_feed(
    client, colleague, meeting, board
):
    services.answer_rsvp(colleague, meeting, "attending")
    from forums import services as forum_services

    forum_services.leave_board(colleague, board)
    assert events_of(client.get(feed_path(colleague)).content) == []


def test_a_suspended_members_feed_is_gone(client, colleague):
    path = feed_path(colleague)
    colleague.status = "suspended"
    colleague.save()
    assert client.get(path).status_code == 404


def test_the_calendar_page_shows_the_private_address(login, colleague):
    response = login(colleague).get("/meetings/calendar/")
    feed = CalendarFeed.objects.get(user=colleague)
    assert feed.token in response.content.decode()


def test_a_second_board_member_has_another_token(colleague, board):
    other = MembershipFactory(board=board).user
    assert services.calendar_feed_of(other).token != services.calendar_feed_of(colleague).token
