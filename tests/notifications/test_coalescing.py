"""A busy topic is one e-mail per watcher per burst, and e-mails travel in batches per task."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import delivery
from notifications.models import Notification, TopicSubscription
from tests.factories import MembershipFactory, make_reply

pytestmark = pytest.mark.django_db


class Recorder:
    """Stands in for a task: records what would have been queued."""

    def __init__(self, enqueue):
        self.enqueue = enqueue


def test_a_burst_of_replies_is_one_e_mail_and_one_grouped_notification(
    asker, answerer, topic, committed
):
    for number in range(5):
        with committed():
            make_reply(answerer, topic, f"返信その{number}")
    assert [message.to for message in mail.outbox] == [[asker.email]]
    [row] = Notification.objects.filter(recipient=asker, topic=topic)
    assert row.count == 5


def test_after_reading_the_next_reply_is_e_mailed_again(asker, answerer, topic, committed):
    with committed():
        make_reply(answerer, topic, "一件目")
    Notification.objects.filter(recipient=asker).update(read_at=timezone.now())
    with committed():
        make_reply(answerer, topic, "二件目")
    assert len(mail.outbox) == 2
    assert "二件目" in mail.outbox[1].body


def test_after_a_quiet_spell_the_next_reply_is_e_mailed_again(
    asker, answerer, topic, committed, settings
):
    with committed():
        make_reply(answerer, topic, "朝の返信")
    quiet = timezone.now() - timedelta(minutes=settings.NOTIFICATIONS_EMAIL_QUIET_MINUTES + 1)
    Notification.objects.filter(recipient=asker).update(updated_at=quiet)
    with committed():
        make_reply(answerer, topic, "夕方の返信")
    assert len(mail.outbox) == 2


def test_e_mails_of_one_reply_are_queued_in_batches(
    board, asker, answerer, topic, monkeypatch, committed
):
    watchers = [MembershipFactory(board=board).user for _ in range(delivery.EMAILS_PER_TASK + 7)]
    TopicSubscription.objects.bulk_create(
        TopicSubscription(user=user, topic=topic) for user in watchers
    )
    batches = []
    from notifications import tasks

    monkeypatch.setattr(
        tasks, "send_notification_emails", Recorder(lambda ids, post_id: batches.append(ids))
    )
    post = make_reply(answerer, topic, "皆さんへ")
    with committed():
        delivery.fan_out_post(post.pk)
    assert [len(batch) for batch in batches] == [delivery.EMAILS_PER_TASK, 8]
    assert len({i for batch in batches for i in batch}) == len(watchers) + 1  # and the asker


def test_a_failing_e_mail_in_a_batch_is_queued_again_alone(monkeypatch):
    from notifications import emails, tasks

    sent, retried = [], []

    def send(notification_id, post_id):
        if notification_id == 2:
            raise OSError("SMTP server went away")
        sent.append(notification_id)
        return True

    monkeypatch.setattr(emails, "send_notification_email", send)
    monkeypatch.setattr(tasks, "send_notification_email", Recorder(lambda *a: retried.append(a)))
    assert tasks.send_notification_emails.call([1, 2, 3], 9) == 2
    assert sent == [1, 3] and retried == [(2, 9)]


def test_a_backlog_of_fan_outs_collapses_into_the_last_one(asker, answerer, topic, committed):
    with committed():
        make_reply(answerer, topic, "最初の返信")
    # Written while the worker was busy: their fan-out tasks have not run yet.
    posts = [make_reply(answerer, topic, f"返信{number}") for number in range(3)]
    told = []
    for post in posts:
        with committed():
            told.append(delivery.fan_out_post(post.pk))
    assert told == [0, 0, 1]  # the earlier tasks left the watchers to the last one
    [row] = Notification.objects.filter(recipient=asker, topic=topic)
    assert (row.count, row.post_id) == (4, posts[-1].pk)  # every reply is counted
    assert len(mail.outbox) == 1


def test_a_mention_in_a_passed_over_reply_is_still_delivered(
    board, asker, answerer, topic, committed
):
    colleague = MembershipFactory(board=board, user__display_name="鈴木").user
    mentioning = make_reply(answerer, topic, "@鈴木 さん、ご意見ください。")
    make_reply(answerer, topic, "追記です。")
    with committed():
        delivery.fan_out_post(mentioning.pk)
    assert Notification.objects.filter(recipient=colleague, kind="mention").exists()
