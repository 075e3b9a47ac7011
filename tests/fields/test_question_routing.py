"""Specs for offering unanswered questions to members who know the field: the right people
only, at most the daily limit, and never after someone else replied."""

import datetime

import pytest
from django.utils import timezone

from fields.models import RoutedQuestion
from fields.routing import route_unanswered_questions
from forums.models import Board, Topic
from notifications.models import Kind, Notification
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic

from .conftest import worked

HOURS = datetime.timedelta(hours=1)


def age(topic: Topic, hours: int) -> Topic:
    Topic.objects.filter(pk=topic.pk).update(created_at=timezone.now() - hours * HOURS)
    topic.refresh_from_db()
    return topic


@pytest.fixture
def asker(vaccination_board):
    return MembershipFactory(board=vaccination_board).user


def expert(places, name: str, *, ask_me=True, department="予防接種課", start=2018, end=None):
    member = UserFactory(full_name=name, ask_me=ask_me)
    worked(member, places["kobe"], department, datetime.date(start, 4, 1), end)
    return member


def offered_to(topic: Topic) -> set[str]:
    return set(
        RoutedQuestion.objects.filter(topic=topic).values_list("recipient__full_name", flat=True)
    )


def test_a_question_waiting_a_day_is_offered_to_those_who_know_the_field(
    places, vaccination_board, asker, django_capture_on_commit_callbacks
):
    current = expert(places, "今の担当")
    former = expert(places, "元担当", start=2015, end=datetime.date(2019, 3, 31))
    expert(places, "黙っている人", ask_me=False)
    expert(places, "税の人", department="市民税課")
    topic = age(make_topic(asker, vaccination_board, title="予診票の保存年限"), 25)

    with django_capture_on_commit_callbacks(execute=True):
        assert route_unanswered_questions() == 2

    assert offered_to(topic) == {"今の担当", "元担当"}
    notification = Notification.objects.get(recipient=current, kind=Kind.QUESTION)
    assert "予診票の保存年限" in notification.message
    assert notification.path == topic.get_absolute_url()
    assert notification.in_digest  # in-app and the daily digest by default
    assert Notification.objects.filter(recipient=former, kind=Kind.QUESTION).exists()


def test_the_offer_reads_well_in_the_list_and_in_the_digest(
    places, vaccination_board, asker, django_capture_on_commit_callbacks, login
):
    from django.core import mail

    from notifications.digests import send_digest

    current = expert(places, "今の担当")
    age(make_topic(asker, vaccination_board, title="予診票の保存年限"), 25)
    with django_capture_on_commit_callbacks(execute=True):
        route_unanswered_questions()

    page = login(current).get("/notifications/").content.decode()
    assert "予診票の保存年限" in page
    assert send_digest(current.pk)
    assert "予診票の保存年限" in mail.outbox[-1].body


def test_a_fresh_question_waits_for_the_set_time(places, vaccination_board, asker, settings):
    expert(places, "今の担当")
    age(make_topic(asker, vaccination_board), 23)
    assert route_unanswered_questions() == 0
    settings.QUESTION_ROUTING_AFTER_HOURS = 12
    assert route_unanswered_questions() == 1


def test_a_reply_by_someone_else_stops_the_offer(places, vaccination_board, asker):
    expert(places, "今の担当")
    topic = age(make_topic(asker, vaccination_board), 30)
    make_reply(MembershipFactory(board=vaccination_board).user, topic)
    assert route_unanswered_questions() == 0


def test_the_askers_own_follow_up_does_not_stop_it(places, vaccination_board, asker):
    expert(places, "今の担当")
    topic = age(make_topic(asker, vaccination_board), 30)
    make_reply(asker, topic, body="補足です。対象は定期接種分です。")
    assert route_unanswered_questions() == 1


def test_nobody_is_offered_more_than_the_daily_limit(
    places, vaccination_board, settings, django_capture_on_commit_callbacks
):
    settings.QUESTION_ROUTING_PER_MEMBER_PER_DAY = 3
    busy = expert(places, "人気の先輩")
    for number in range(5):
        author = MembershipFactory(board=vaccination_board).user
        age(make_topic(author, vaccination_board, title=f"質問{number}"), 30)

    with django_capture_on_commit_callbacks(execute=True):
        route_unanswered_questions()
        route_unanswered_questions()  # a second run the same day offers nothing more

    assert RoutedQuestion.objects.filter(recipient=busy).count() == 3
    assert Notification.objects.filter(recipient=busy, kind=Kind.QUESTION).count() == 3


def test_the_same_question_is_never_offered_twice_to_one_person(places, vaccination_board, asker):
    expert(places, "今の担当")
    age(make_topic(asker, vaccination_board), 30)
    assert route_unanswered_questions() == 1
    assert route_unanswered_questions() == 0


def test_a_member_who_may_not_read_the_board_is_never_offered_its_question(places, registry):
    secret = BoardFactory(slug="secret-vaccine", join_policy=Board.JoinPolicy.INVITE)
    registry["vaccination"].boards.add(secret)
    insider_expert = expert(places, "中の人")
    MembershipFactory(board=secret, user=insider_expert)
    expert(places, "外の人")
    topic = age(make_topic(MembershipFactory(board=secret).user, secret), 30)

    route_unanswered_questions()

    assert offered_to(topic) == {"中の人"}


def test_unverified_and_suspended_experts_are_not_offered_questions(
    places, vaccination_board, asker
):
    expert(places, "停止中").__class__.objects.filter(full_name="停止中").update(status="suspended")
    expert(places, "審査中").__class__.objects.filter(full_name="審査中").update(status="pending")
    topic = age(make_topic(asker, vaccination_board), 30)
    route_unanswered_questions()
    assert offered_to(topic) == set()


def test_a_board_that_serves_no_field_routes_nothing(places):
    expert(places, "今の担当")
    board = BoardFactory(slug="circle")
    age(make_topic(MembershipFactory(board=board).user, board), 30)
    assert route_unanswered_questions() == 0


def test_the_command_runs_the_routing(places, vaccination_board, asker):
    from io import StringIO

    from django.core.management import call_command

    expert(places, "今の担当")
    age(make_topic(asker, vaccination_board), 30)
    out = StringIO()
    call_command("route_questions", stdout=out)
    assert "1 question offer(s) made." in out.getvalue()


def test_a_meetings_agenda_topic_is_never_offered_or_listed_as_unanswered(
    places, vaccination_board, asker, login, django_capture_on_commit_callbacks
):
    from meetings import services as meetings

    expert(places, "今の担当")
    meeting = meetings.schedule_meeting(
        asker,
        vaccination_board,
        title="接種会場の運営 意見交換会",
        starts_at=timezone.now() + 48 * HOURS,
        duration_minutes=90,
        video_url="https://meet.example.jp/abc",
    )
    agenda = age(meeting.agenda_topic, 25)
    question = age(make_topic(asker, vaccination_board, title="予診票の保存年限"), 25)

    with django_capture_on_commit_callbacks(execute=True):
        route_unanswered_questions()

    assert offered_to(agenda) == set() and offered_to(question) == {"今の担当"}
    page = login(asker).get("/fields/vaccination/").content.decode()
    waiting = page.split('id="unanswered-heading"')[1].split("</section>")[0]
    assert "予診票の保存年限" in waiting and agenda.title not in waiting
    # Nor on the board: not in its "unanswered" list, and its row carries no 未回答 badge.
    board_url = f"/boards/{vaccination_board.slug}/"
    unanswered = login(asker).get(board_url, {"filter": "unanswered"}).content.decode()
    assert "予診票の保存年限" in unanswered and agenda.title not in unanswered
    listing = login(asker).get(board_url).content.decode()
    agenda_row = listing.split(f'id="topic-{agenda.pk}"')[1].split("</li>")[0]
    assert "未回答" not in agenda_row
