"""Meetings, tables, polls, exports, catch-up and calendar files exist only for the board's
members: everyone else gets a 404, and their sockets are refused. The event stream reads the
database outside the request's transaction, so its refusals are in test_event_stream.py."""

import pytest

from forums.models import Board
from meetings import services as meeting_services
from progress import services
from tests.factories import BoardFactory, MembershipFactory
from tests.meetings.conftest import schedule
from tests.progress.conftest import typed

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(table, columns, author, board):
    row = services.save_row(author, table, typed(columns, "80"), 0)
    meeting = schedule(author, board)
    return table, row, meeting


def member_paths(table, row, meeting, board):
    return [
        f"/boards/{board.slug}/meetings/",
        f"/boards/{board.slug}/meetings/new/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/calendar.ics",
        f"/boards/{board.slug}/progress/",
        f"/boards/{board.slug}/progress/new/",
        f"/boards/{board.slug}/progress/poll/",
        f"/progress/{table.pk}/",
        f"/progress/{table.pk}/rows/{row.pk}/history/",
        f"/progress/{table.pk}/export.csv",
        f"/progress/{table.pk}/export.xlsx",
        f"/progress/{table.pk}/events/?since=0",
    ]


def test_members_see_every_page(login, scene, board, author):
    client = login(author)
    for path in member_paths(*scene, board):
        assert client.get(path).status_code == 200, path


def test_a_verified_non_member_gets_404_even_on_an_open_board(login, scene, board, verified_user):
    assert board.join_policy == Board.JoinPolicy.OPEN
    client = login(verified_user)
    assert client.get(f"/boards/{board.slug}/").status_code == 200  # the board itself is readable
    for path in member_paths(*scene, board):
        assert client.get(path).status_code == 404, path
    table, _row, meeting = scene
    for path in (
        f"/progress/{table.pk}/row/",
        f"/meetings/{meeting.pk}/rsvp/",
        f"/progress/{table.pk}/close/",
    ):
        assert client.post(path, {"answer": "attending"}).status_code == 404, path


def test_a_pending_member_gets_404(login, scene, board):
    pending = MembershipFactory(board=board, state="pending").user
    client = login(pending)
    for path in member_paths(*scene, board):
        assert client.get(path).status_code == 404, path


def test_suspended_and_unverified_members_are_refused(
    login, scene, board, suspended_user, unverified_user
):
    for user in (suspended_user, unverified_user):
        client = login(user)
        for path in member_paths(*scene, board):
            assert client.get(path).status_code in (302, 404), path


def test_signed_out_visitors_are_sent_to_sign_in(client, scene, board):
    for path in member_paths(*scene, board):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_a_member_of_another_board_gets_404(login, scene):
    elsewhere = MembershipFactory(board=BoardFactory()).user
    table, _row, meeting = scene
    client = login(elsewhere)
    assert client.get(f"/progress/{table.pk}/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404


def test_the_board_page_shows_meetings_and_tables_to_members_only(
    login, scene, board, author, verified_user
):
    table, _row, meeting = scene
    member_page = login(author).get(f"/boards/{board.slug}/").content.decode()
    assert f"/meetings/{meeting.pk}/" in member_page and table.title in member_page
    outsider_page = login(verified_user).get(f"/boards/{board.slug}/").content.decode()
    # The agenda topic is an ordinary topic of the board; the meeting itself is not shown.
    assert f"/meetings/{meeting.pk}/" not in outsider_page
    assert table.title not in outsider_page


def test_the_home_page_lists_this_weeks_meetings_of_the_members_boards(
    login, scene, author, verified_user
):
    _table, _row, meeting = scene
    assert meeting.title in login(author).get("/").content.decode()
    other_board = BoardFactory()
    MembershipFactory(board=other_board, user=verified_user)
    assert meeting.title not in login(verified_user).get("/").content.decode()


def test_another_members_feed_token_does_not_open_a_feed(client, author, staff):
    token = meeting_services.calendar_feed_of(staff["神戸市"]).token
    assert client.get(f"/meetings/calendar/{author.pk}/{token}.ics").status_code == 404
