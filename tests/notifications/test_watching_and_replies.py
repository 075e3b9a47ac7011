"""Watching topics and boards: who hears about a reply or a new topic, grouped, and muting."""

import pytest
from django.urls import reverse
from django.utils import translation

from forums import services as forum_services
from notifications import queries, services
from notifications.models import Kind, TopicSubscription
from notifications.text import describe
from tests.factories import MembershipFactory, make_reply, make_topic
from tests.notifications.conftest import notifications_of

pytestmark = pytest.mark.django_db


def test_the_asker_watches_their_topic_and_hears_about_a_reply(asker, answerer, topic, committed):
    with committed():
        reply = make_reply(answerer, topic)

    [notification] = notifications_of(asker)
    assert (notification.kind, notification.post, notification.actor) == (
        Kind.REPLY,
        reply,
        answerer,
    )
    assert notifications_of(answerer) == []  # nobody hears about their own post


def test_replying_makes_the_replier_watch_the_topic(asker, answerer, topic, committed):
    with committed():
        make_reply(answerer, topic)
        make_reply(asker, topic, "ありがとうございます")

    [notification] = notifications_of(answerer)
    assert notification.kind == Kind.REPLY
    assert TopicSubscription.objects.get(user=answerer, topic=topic).level == "watching"


def test_three_replies_make_one_grouped_notification(asker, answerer, topic, committed, board):
    other = MembershipFactory(board=board).user
    with committed():
        make_reply(answerer, topic)
        make_reply(other, topic)
        make_reply(answerer, topic, "追記です")

    [notification] = notifications_of(asker)
    assert notification.count == 3
    with translation.override("ja"):
        assert describe(notification) == "「モデルナの保管」に3件の新しい返信"
    with translation.override("en"):
        assert describe(notification) == "3 new replies in “モデルナの保管”"


def test_a_read_group_is_not_reopened_a_new_one_starts(asker, answerer, topic, committed):
    with committed():
        make_reply(answerer, topic)
    services.mark_all_read(asker)
    with committed():
        make_reply(answerer, topic, "もう一つ")

    first, second = notifications_of(asker)
    assert first.read_at is not None and second.read_at is None and second.count == 1


def test_a_muted_topic_notifies_nothing_even_after_replying(asker, answerer, topic, committed):
    services.mute_topic(asker, topic)
    with committed():
        make_reply(asker, topic, "自分でも返信")
        make_reply(answerer, topic)

    assert notifications_of(asker) == []
    assert TopicSubscription.objects.get(user=asker, topic=topic).level == "muted"


def test_muting_puts_away_unread_reply_notifications(asker, answerer, topic, committed):
    with committed():
        make_reply(answerer, topic)
    services.mute_topic(asker, topic)

    assert notifications_of(asker, read_at__isnull=True) == []


def test_watching_a_board_notifies_every_new_topic(board, asker, answerer, committed):
    services.watch_board(answerer, board)
    with committed():
        topic = make_topic(asker, board, title="接種券の再発行")

    [notification] = notifications_of(answerer)
    assert (notification.kind, notification.topic) == (Kind.NEW_TOPIC, topic)


def test_reading_the_topic_marks_its_reply_notifications_read(
    login, asker, answerer, topic, committed
):
    with committed():
        make_reply(answerer, topic)
    login(asker).get(topic.get_absolute_url())

    assert notifications_of(asker, read_at__isnull=True) == []


def test_watch_and_mute_buttons_work_without_javascript(login, answerer, topic):
    client = login(answerer)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert reverse("notifications:topic_watch", args=[topic.pk]) in page

    client.post(reverse("notifications:topic_watch", args=[topic.pk]), {"level": "watching"})
    assert TopicSubscription.objects.get(user=answerer, topic=topic).level == "watching"
    client.post(reverse("notifications:topic_watch", args=[topic.pk]), {"level": "muted"})
    assert TopicSubscription.objects.get(user=answerer, topic=topic).level == "muted"
    client.post(reverse("notifications:topic_watch", args=[topic.pk]), {"level": ""})
    assert not TopicSubscription.objects.filter(user=answerer, topic=topic).exists()


def test_board_watch_button(login, answerer, board):
    client = login(answerer)
    assert "notifications/boards/" in client.get(board.get_absolute_url()).content.decode()
    client.post(reverse("notifications:board_watch", args=[board.slug]), {"watch": "1"})
    assert queries.is_watching_board(answerer, board)
    client.post(reverse("notifications:board_watch", args=[board.slug]), {"watch": "0"})
    assert not queries.is_watching_board(answerer, board)


def test_a_reply_rolled_back_queues_nothing(asker, answerer, topic, committed):
    from django.db import transaction

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        forum_services.post_reply(answerer, topic, "取り消し")
        raise RuntimeError("rollback")

    assert notifications_of(asker) == []


def test_replies_fanned_out_in_reverse_order_are_all_counted_and_never_twice(
    asker, answerer, topic, board
):
    """Two replies committed at the same moment may reach the worker in either order."""
    from notifications import delivery

    first = make_reply(answerer, topic, "一つ目")  # the fan-out tasks run only when called
    second = make_reply(answerer, topic, "二つ目")

    delivery.fan_out_post(second.pk)
    delivery.fan_out_post(first.pk)
    delivery.fan_out_post(first.pk)  # a re-run of the same task

    [notification] = notifications_of(asker)
    assert notification.count == 2
    assert notification.post == second  # the row still links to the latest reply


def test_a_coalesced_fan_out_still_tells_the_author_of_the_later_reply(asker, answerer, topic):
    """The worker behind on a busy topic lets a later reply's task speak for an earlier one;
    the later reply's author is not told by their own reply, so the earlier task tells them."""
    from notifications import delivery

    earlier = make_reply(answerer, topic, "一つ目")  # the fan-out tasks run only when called
    later = make_reply(asker, topic, "ありがとうございます")

    delivery.fan_out_post(earlier.pk)
    delivery.fan_out_post(later.pk)

    [to_asker] = notifications_of(asker)
    assert to_asker.post == earlier
    [to_answerer] = notifications_of(answerer)
    assert to_answerer.post == later


def test_replying_starts_watching_once_with_the_moment_it_began(answerer, topic, committed):
    from django.utils import timezone

    before = timezone.now()
    forum_services.post_reply(answerer, topic, "一度目の返信")
    forum_services.post_reply(answerer, topic, "二度目の返信")
    (subscription,) = TopicSubscription.objects.filter(user=answerer, topic=topic)
    assert subscription.level == "watching"
    assert before <= subscription.created_at <= timezone.now()
