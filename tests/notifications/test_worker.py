"""The database task backend: a reply only queues work; the worker process does the fan-out;
a task that fails keeps its error and runs again when asked; /healthz shows the queue."""

import signal
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from notifications import task_queue
from notifications.models import Notification
from tests.factories import BoardFactory, MembershipFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_worker():
    """``manage.py db_worker --batch``: run everything queued, then stop. The worker installs
    its own signal handlers; pytest gets its own back afterwards."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}

    def run():
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
        for number, handler in saved.items():
            signal.signal(number, handler)

    return run


@pytest.fixture
def scene():
    board = BoardFactory()
    asker = MembershipFactory(board=board).user
    answerer = MembershipFactory(board=board).user
    topic = make_topic(asker, board)
    return asker, answerer, topic


def test_a_reply_only_queues_the_fan_out_which_the_worker_runs(scene, run_worker):
    asker, answerer, topic = scene
    DBTaskResult.objects.all().delete()

    reply = make_reply(answerer, topic)

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "notifications.tasks.fan_out_post"
    assert queued.args_kwargs["args"] == [reply.pk]
    assert not Notification.objects.exists()

    run_worker()

    assert Notification.objects.get().recipient == asker
    assert [message.to for message in mail.outbox] == [[asker.email]]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_failed_task_keeps_its_error_and_can_be_run_again(scene, run_worker):
    asker, answerer, _topic = scene
    make_reply(answerer, _topic)
    with mock.patch(
        "notifications.emails.EmailMultiAlternatives.send",
        side_effect=smtplib.SMTPServerDisconnected("mail server went away"),
    ):
        run_worker()
    failed = DBTaskResult.objects.get(task_path="notifications.tasks.send_notification_email")
    assert failed.status == "FAILED"
    assert failed.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert "mail server went away" in failed.traceback
    assert mail.outbox == []

    call_command("rerun_tasks", "--failed", verbosity=0)
    failed.refresh_from_db()
    assert failed.status == "READY"
    assert "mail server went away" in failed.traceback  # kept until a run succeeds
    run_worker()

    failed.refresh_from_db()
    assert failed.status == "SUCCESSFUL"
    assert [message.to for message in mail.outbox] == [[asker.email]]


def test_nothing_queued_is_lost_when_the_worker_is_not_running(scene, run_worker):
    asker, answerer, topic = scene
    make_reply(answerer, topic)
    # A worker killed mid-task leaves it RUNNING; it is put back in the queue.
    DBTaskResult.objects.update(status="RUNNING", started_at="2000-01-01T00:00:00Z")
    assert task_queue.requeue_interrupted() == DBTaskResult.objects.count()
    run_worker()

    assert Notification.objects.filter(recipient=asker).exists()


def test_healthz_reports_queue_depth_and_age_of_the_oldest_task(scene, client):
    _asker, answerer, topic = scene
    make_reply(answerer, topic)

    tasks = client.get("/healthz").json()["tasks"]

    assert tasks["queue_depth"] == DBTaskResult.objects.filter(status="READY").count() >= 1
    assert tasks["oldest_waiting_seconds"] >= 0
    assert tasks["failed"] == 0


def test_the_daily_digest_plans_itself_once(run_worker):
    call_command("send_digests", "--schedule", verbosity=0)
    call_command("send_digests", "--schedule", verbosity=0)

    [planned] = DBTaskResult.objects.filter(task_path="notifications.tasks.send_daily_digests")
    assert planned.status == "READY" and planned.run_after.year >= 2024
