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


def _queued_batches(board, answerer, topic, monkeypatch, committed, watchers: int):
    """The e-mail batches one reply queues for ``watchers`` watchers (and the asker)."""
    from notifications import tasks

    people = [MembershipFactory(board=board).user for _ in range(watchers)]
    TopicSubscription.objects.bulk_create(
        TopicSubscription(user=user, topic=topic) for user in people
    )
    batches = []
    monkeypatch.setattr(
        tasks, "send_notification_emails", Recorder(lambda *batch: batches.append(batch))
    )
    with committed():
        make_reply(answerer, topic, "皆さんへ")
    return people, batches


def test_a_failing_e_mail_in_a_batch_is_queued_again_alone(
    board, answerer, topic, monkeypatch, committed
):
    from notifications import emails, tasks

    send_batch = tasks.send_notification_emails
    people, [(ids, post_id)] = _queued_batches(board, answerer, topic, monkeypatch, committed, 2)
    unlucky = people[0]
    real_send, retried = emails.send, []

    def send(recipient, *args, **kwargs):
        if recipient == unlucky:
            raise OSError("SMTP server went away")
        real_send(recipient, *args, **kwargs)

    monkeypatch.setattr(emails, "send", send)
    monkeypatch.setattr(tasks, "send_notification_email", Recorder(lambda *a: retried.append(a)))
    assert send_batch.call(ids, post_id) == 2
    assert unlucky.email not in {address for message in mail.outbox for address in message.to}
    [(notification_id, again_post_id)] = retried
    assert Notification.objects.get(pk=notification_id).recipient == unlucky
    assert again_post_id == post_id


def test_a_batch_of_e_mails_costs_the_same_few_queries_as_one(
    board, answerer, topic, monkeypatch, committed, django_assert_num_queries
):
    from notifications import tasks

    send_batch = tasks.send_notification_emails
    people, [(ids, post_id)] = _queued_batches(board, answerer, topic, monkeypatch, committed, 30)
    mail.outbox.clear()
    # Notifications and recipients, e-mail preferences, memberships, the post, its files.
    with django_assert_num_queries(5):
        assert send_batch.call(ids, post_id) == len(people) + 1
    assert len(mail.outbox) == len(people) + 1
    assert all("皆さんへ" in message.body for message in mail.outbox)


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
