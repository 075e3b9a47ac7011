"""Moving or cancelling a meeting tells everyone who answered; reminders the day before and
an hour before go through the task worker, once each."""

import signal
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings import reminders, services
from meetings.models import Meeting
from notifications.models import Kind, Notification
from tests.factories import MembershipFactory
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def told(user):
    return list(Notification.objects.filter(recipient=user, kind=Kind.MEETING).order_by("id"))


def test_moving_tells_everyone_who_answered_but_the_mover(
    meeting, host, colleague, villager, committed, board
):
    services.answer_rsvp(colleague, meeting, "attending")
    services.answer_rsvp(villager, meeting, "not")
    silent = MembershipFactory(board=board).user
    with committed():
        services.update_meeting(host, meeting, starts_at=meeting.starts_at + timedelta(hours=2))
    assert len(told(colleague)) == 1 and len(told(villager)) == 1
    assert told(host) == [] and told(silent) == []
    assert told(colleague)[0].subject == f"日時変更：{meeting.title}"
    # The agenda topic says it too.
    assert meeting.agenda_topic.posts.count() == 2


def test_a_title_change_is_not_a_move(meeting, host, colleague, committed):
    services.answer_rsvp(colleague, meeting, "attending")
    with committed():
        services.update_meeting(host, meeting, title="接種券の再発行 意見交換会")
    assert told(colleague) == []


def test_cancelling_tells_everyone_who_answered_with_the_reason(
    meeting, host, colleague, committed
):
    services.answer_rsvp(colleague, meeting, "maybe")
    with committed():
        services.cancel_meeting(host, meeting, "台風接近のため")
    [notice] = told(colleague)
    assert notice.message.endswith("理由：台風接近のため")
    assert len(mail.outbox) == 1 and colleague.email in mail.outbox[0].to


def test_only_the_host_or_a_moderator_may_move_or_cancel(
    login, meeting, colleague, board_moderator
):
    client = login(colleague)
    assert client.get(f"/meetings/{meeting.pk}/edit/").status_code == 403
    assert client.post(f"/meetings/{meeting.pk}/cancel/").status_code == 403
    response = login(board_moderator).post(f"/meetings/{meeting.pk}/cancel/", {"reason": ""})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).is_cancelled


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
def test_reminders_are_queued_for_their_moments_and_sent_once_each(database_tasks, board):
    host = MembershipFactory(board=board).user
    attendee = MembershipFactory(board=board).user
    meeting = schedule(host, board, days=3)
    services.answer_rsvp(attendee, meeting, "attending")
    queued = DBTaskResult.objects.filter(task_path="meetings.tasks.send_meeting_reminder")
    moments = sorted(task.run_after for task in queued)
    assert moments == [
        meeting.starts_at - timedelta(days=1),
        meeting.starts_at - timedelta(hours=1),
    ]

    # The day before: the worker sends the day reminder; the hour one waits for its moment.
    day_before = meeting.starts_at - timedelta(hours=23)
    queued.update(run_after=timezone.now() - timedelta(minutes=1))
    with mock.patch("meetings.reminders.timezone.now", return_value=day_before):
        run_worker()
        run_worker()  # a second run (or a second worker) sends nothing more
    notices = told(attendee)
    assert len(notices) == 1 and notices[0].subject.startswith("明日開催")
    assert told(host)[0].subject == notices[0].subject  # the host attends too

    # An hour before: the hour reminder, once.
    hour_before = meeting.starts_at - timedelta(minutes=59)
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - timedelta(minutes=1)
    )
    with mock.patch("meetings.reminders.timezone.now", return_value=hour_before):
        run_worker()
        assert reminders.send_due_reminders(hour_before) == 0
    assert len(told(attendee)) == 2
    assert sum(1 for message in mail.outbox if attendee.email in message.to) == 2


@pytest.mark.django_db(transaction=True)
def test_a_moved_meeting_is_reminded_for_its_new_time_only(database_tasks, board):
    host = MembershipFactory(board=board).user
    attendee = MembershipFactory(board=board).user
    meeting = schedule(host, board, days=3)
    services.answer_rsvp(attendee, meeting, "attending")
    services.update_meeting(host, meeting, starts_at=meeting.starts_at + timedelta(days=2))
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - timedelta(minutes=1)
    )
    old_day_before = meeting.starts_at - timedelta(hours=23)
    with mock.patch("meetings.reminders.timezone.now", return_value=old_day_before):
        run_worker()
    assert [n for n in told(attendee) if n.subject.startswith("明日開催")] == []


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_meeting_sends_no_reminder(database_tasks, board):
    host = MembershipFactory(board=board).user
    meeting = schedule(host, board, days=2)
    services.cancel_meeting(host, meeting)
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - timedelta(minutes=1)
    )
    with mock.patch(
        "meetings.reminders.timezone.now", return_value=meeting.starts_at - timedelta(hours=23)
    ):
        run_worker()
    assert Meeting.objects.get(pk=meeting.pk).day_reminder_sent_at is None


def test_the_cron_sweep_sends_what_is_due_once(meeting, colleague, committed):
    services.answer_rsvp(colleague, meeting, "attending")
    moment = meeting.starts_at - timedelta(hours=20)
    with committed():
        assert reminders.send_due_reminders(moment) == 1
    with committed():
        assert reminders.send_due_reminders(moment) == 0
    assert len(told(colleague)) == 1


def test_a_date_thousands_of_years_away_is_refused_and_everything_typed_is_kept(login, host, board):
    response = login(host).post(
        f"/boards/{board.slug}/meetings/new/",
        {
            "title": "年末の意見交換会",
            "date": "9999-12-31",
            "start_time": "23:30",
            "duration_minutes": "240",
            "video_url": "",
            "capacity": "",
            "description": "議題は後日",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "年末の意見交換会" in page and "9999-12-31" in page and "議題は後日" in page
    assert 'aria-invalid="true"' in page
    assert not Meeting.objects.filter(title="年末の意見交換会").exists()


def test_the_same_announcement_sent_twice_announces_one_meeting(login, host, board):
    client = login(host)
    token = client.get(f"/boards/{board.slug}/meetings/new/").context["form"]["submission_token"]
    data = {
        "submission_token": token.value(),
        "title": "二度押しの意見交換会",
        "date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "start_time": "20:00",
        "duration_minutes": "90",
        "video_url": "https://meet.city.habikino.lg.jp/room/1",
        "capacity": "",
        "description": "",
    }
    first = client.post(f"/boards/{board.slug}/meetings/new/", data)
    second = client.post(f"/boards/{board.slug}/meetings/new/", data)

    [meeting] = Meeting.objects.filter(title="二度押しの意見交換会")
    assert first["Location"] == second["Location"] == meeting.get_absolute_url()
    assert meeting.board.topics.filter(title__contains="二度押し").count() == 1
