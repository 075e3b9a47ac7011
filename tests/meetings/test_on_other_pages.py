"""Meetings where members look: the board page, the home page's week, and the page of the
field of work whose boards hold them; never for people outside the board."""

import pytest

from fields.models import DepartmentAlias, Field
from fields.registry import load_registry
from meetings.queries import upcoming_for_boards
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaccination_field(board):
    load_registry(Field, DepartmentAlias)
    field = Field.objects.get(slug="vaccination")
    field.boards.add(board)
    return field


def test_the_home_page_shows_the_members_meetings_of_the_coming_week(
    login, meeting, host, board, colleague, verified_user
):
    from tests.meetings.conftest import schedule

    later = schedule(host, board, days=10, title="来月の意見交換会")
    page = login(colleague).get("/").content.decode()
    assert f"/meetings/{meeting.pk}/" in page
    assert f"/meetings/{later.pk}/" not in page  # beyond the week
    outsider = login(verified_user).get("/").content.decode()
    assert f"/meetings/{meeting.pk}/" not in outsider


def test_the_board_page_shows_the_next_meetings_to_members_only(
    login, meeting, board, colleague, verified_user
):
    assert (
        f"/meetings/{meeting.pk}/"
        in login(colleague).get(f"/boards/{board.slug}/").content.decode()
    )
    outsider = login(verified_user).get(f"/boards/{board.slug}/").content.decode()
    assert f"/meetings/{meeting.pk}/" not in outsider


def test_the_field_page_lists_meetings_of_its_boards_for_members(
    login, meeting, colleague, verified_user, vaccination_field
):
    page = login(colleague).get(f"/fields/{vaccination_field.slug}/").content.decode()
    assert f"/meetings/{meeting.pk}/" in page
    outsider = login(verified_user).get(f"/fields/{vaccination_field.slug}/").content.decode()
    assert f"/meetings/{meeting.pk}/" not in outsider


def test_upcoming_for_boards_leaves_out_cancelled_and_ended_meetings(meeting, host, board):
    from datetime import timedelta

    from meetings import services
    from tests.meetings.conftest import schedule

    later = schedule(host, board, days=5, title="接種券 意見交換会")
    services.cancel_meeting(host, later)
    assert [m.pk for m in upcoming_for_boards([board.pk])] == [meeting.pk]
    past_now = meeting.ends_at + timedelta(minutes=1)
    assert upcoming_for_boards([board.pk], now=past_now) == []


def test_upcoming_for_boards_carries_the_viewers_answer(meeting, colleague, board):
    from meetings import services

    services.answer_rsvp(colleague, meeting, "maybe")
    other = MembershipFactory(board=board).user
    [mine] = upcoming_for_boards([board.pk], viewer=colleague)
    [theirs] = upcoming_for_boards([board.pk], viewer=other)
    assert (mine.my_answer, theirs.my_answer) == ("maybe", "")
    assert mine.attending_count == 1  # the host


def test_the_board_box_lists_what_upcoming_for_boards_lists_for_each_viewer(
    meeting, host, colleague, board
):
    from datetime import timedelta

    from meetings import services
    from meetings.queries import BOARD_BOX_SIZE, board_box
    from tests.meetings.conftest import schedule

    for days in (3, 5, 8, 12):
        schedule(host, board, days=days, title=f"{days}日後の意見交換会")
    services.cancel_meeting(host, schedule(host, board, days=4, title="中止になった会"))
    services.answer_rsvp(colleague, meeting, "attending")
    other = MembershipFactory(board=board).user

    for viewer in (colleague, other, host):
        for now in (None, meeting.ends_at + timedelta(minutes=1)):
            boxed = board_box(board, viewer, now=now)
            listed = upcoming_for_boards([board.pk], viewer=viewer, now=now, limit=BOARD_BOX_SIZE)
            assert [(m.pk, m.my_answer, m.attending_count, m.board.slug) for m in boxed] == [
                (m.pk, m.my_answer, m.attending_count, m.board.slug) for m in listed
            ]
            assert len(boxed) == BOARD_BOX_SIZE


def test_the_week_lists_what_upcoming_for_boards_lists_for_the_members_boards(
    meeting, host, colleague, board
):
    from datetime import timedelta

    from meetings import services
    from meetings.queries import WEEK_SIZE, member_board_ids, this_week_for
    from tests.meetings.conftest import schedule

    for days in (1, 2, 3, 4, 5, 6, 9):
        schedule(host, board, days=days, title=f"{days}日後の意見交換会")
    services.answer_rsvp(colleague, meeting, "maybe")

    for viewer in (colleague, host):
        for now in (None, meeting.ends_at + timedelta(minutes=1)):
            week = this_week_for(viewer, now=now)
            listed = upcoming_for_boards(
                member_board_ids(viewer), viewer=viewer, now=now, within=timedelta(days=7),
                limit=WEEK_SIZE,
            )  # fmt: skip
            assert [(m.pk, m.my_answer, m.attending_count) for m in week] == [
                (m.pk, m.my_answer, m.attending_count) for m in listed
            ]
            assert len(week) == (WEEK_SIZE if now is None else 4)


def test_a_fields_box_lists_what_upcoming_for_boards_lists_for_its_boards(
    meeting, host, colleague, board
):
    from datetime import timedelta

    from meetings.queries import FIELD_BOX_SIZE, boards_box
    from tests.meetings.conftest import schedule

    second = MembershipFactory(user=host).board
    for days in (3, 5, 8):
        schedule(host, board, days=days, title=f"{days}日後の意見交換会")
        schedule(host, second, days=days + 1, title=f"{days + 1}日後の勉強会")
    assert boards_box([], colleague) == []
    for board_ids in ([board.pk, second.pk], [second.pk], [board.pk]):
        for now in (None, meeting.ends_at + timedelta(minutes=1)):
            boxed = boards_box(board_ids, colleague, now=now)
            listed = upcoming_for_boards(board_ids, viewer=colleague, now=now, limit=FIELD_BOX_SIZE)
            assert [(m.pk, m.my_answer, m.board.slug) for m in boxed] == [
                (m.pk, m.my_answer, m.board.slug) for m in listed
            ]
    assert len(boards_box([board.pk, second.pk], colleague)) == FIELD_BOX_SIZE


def test_the_agenda_topic_is_written_in_the_sites_language_whatever_the_hosts(host, board):
    from django.utils import translation

    from tests.meetings.conftest import schedule

    with translation.override("en"):
        meeting = schedule(host, board, title="テスト会議")
    assert meeting.agenda_topic.title == "【意見交換会】テスト会議"
    assert "Exchange meeting" not in meeting.agenda_topic.posts.get(number=1).body
