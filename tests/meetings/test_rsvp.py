"""Answering a meeting: attending, maybe or not; capacity and the ordered waiting list; the
list of attending organisations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings import queries, services
from meetings.models import Rsvp
from notifications.models import Kind, Notification
from tests.factories import MembershipFactory, UserFactory
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def test_the_host_attends_and_the_agenda_topic_is_opened_on_the_board(meeting, host, board):
    assert meeting.agenda_topic.board == board
    assert "意見交換会" in meeting.agenda_topic.title
    assert meeting.agenda_topic.posts.get().body.count("/meetings/") == 1
    assert queries.rsvp_of(host, meeting).answer == Rsvp.Answer.ATTENDING


def test_answers_are_counted_by_kind(meeting, colleague, villager, board):
    services.answer_rsvp(colleague, meeting, "maybe")
    services.answer_rsvp(villager, meeting, "not")
    third = MembershipFactory(board=board).user
    services.answer_rsvp(third, meeting, "attending")

    answers = queries.answers_of(meeting)
    assert len(answers.attending) == 2
    assert [rsvp.user for rsvp in answers.maybe] == [colleague]
    assert [rsvp.user for rsvp in answers.not_attending] == [villager]


def test_changing_an_answer_keeps_one_answer_per_member(meeting, colleague):
    services.answer_rsvp(colleague, meeting, "attending")
    services.answer_rsvp(colleague, meeting, "maybe")
    assert Rsvp.objects.filter(meeting=meeting, user=colleague).count() == 1
    assert queries.rsvp_of(colleague, meeting).answer == "maybe"


def test_attending_organisations_are_listed_once_in_code_order(
    meeting, colleague, villager, board, kobe
):
    services.answer_rsvp(villager, meeting, "attending")
    services.answer_rsvp(colleague, meeting, "attending")
    second_from_kobe = MembershipFactory(board=board, user=UserFactory(municipality=kobe)).user
    services.answer_rsvp(second_from_kobe, meeting, "attending")

    names = [municipality.name for municipality in queries.answers_of(meeting).organisations]
    assert names == ["小笠原村", "羽曳野市", "神戸市"]  # 134210 < 272221 < 281000


def test_a_full_meeting_puts_further_answers_on_an_ordered_waiting_list(host, board, committed):
    meeting = schedule(host, board, capacity=2)  # the host holds one seat
    first, second, third = (MembershipFactory(board=board).user for _ in range(3))

    assert not services.answer_rsvp(first, meeting, "attending").waitlisted
    assert services.answer_rsvp(second, meeting, "attending").waitlisted
    assert services.answer_rsvp(third, meeting, "attending").waitlisted
    assert queries.waiting_position(queries.rsvp_of(second, meeting)) == 1
    assert queries.waiting_position(queries.rsvp_of(third, meeting)) == 2

    # A seat frees up: the first in line gets it and is told; the second moves up.
    with committed():
        services.answer_rsvp(first, meeting, "not")
    assert queries.rsvp_of(second, meeting).has_seat
    assert queries.waiting_position(queries.rsvp_of(third, meeting)) == 1
    told = Notification.objects.get(recipient=second, kind=Kind.MEETING)
    assert "キャンセル待ちから参加に繰り上がりました" in told.message


def test_maybe_and_not_do_not_take_seats(host, board):
    meeting = schedule(host, board, capacity=1)
    member = MembershipFactory(board=board).user
    assert not services.answer_rsvp(member, meeting, "maybe").waitlisted
    assert services.answer_rsvp(member, meeting, "attending").waitlisted


def test_raising_the_capacity_seats_the_waiting_list_in_order(host, board):
    meeting = schedule(host, board, capacity=1)
    waiting = [MembershipFactory(board=board).user for _ in range(3)]
    for member in waiting:
        services.answer_rsvp(member, meeting, "attending")
    services.update_meeting(host, meeting, capacity=3)
    seated = [queries.rsvp_of(member, meeting).has_seat for member in waiting]
    assert seated == [True, True, False]


def test_non_members_cannot_answer(meeting, verified_user):
    with pytest.raises(PermissionDenied):
        services.answer_rsvp(verified_user, meeting, "attending")


def test_a_cancelled_meeting_takes_no_answers(meeting, host, colleague):
    services.cancel_meeting(host, meeting, "講師の都合により中止します。")
    with pytest.raises(ValidationError):
        services.answer_rsvp(colleague, meeting, "attending")


def test_an_unknown_answer_is_refused(meeting, colleague):
    with pytest.raises(ValidationError):
        services.answer_rsvp(colleague, meeting, "perhaps")
