"""The notifications page, its badge in the header, and marking things read."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind, Notification
from notifications.queries import NOTIFICATIONS_PER_PAGE
from tests.factories import MembershipFactory, make_reply, make_topic
from tests.notifications.conftest import notifications_of

pytestmark = pytest.mark.django_db


def test_header_badge_shows_the_unread_count(login, asker, answerer, topic, committed):
    with committed():
        make_reply(answerer, topic)
    page = login(asker).get("/boards/").content.decode()

    assert "data-notification-count-number>1<" in page
    assert "data-notification-badge" in page and "bundles/site.js" in page


def test_list_shows_grouped_notifications_with_links(login, asker, answerer, topic, committed):
    with committed():
        make_reply(answerer, topic)
        make_reply(answerer, topic, "補足")
    page = login(asker).get(reverse("notifications:list")).content.decode()

    assert "モデルナの保管" in page
    assert reverse("forums:post", args=[topic.posts.last().pk]) in page


def test_mark_one_read_and_mark_all_read(login, board, asker, answerer, topic, committed):
    with committed():
        make_reply(answerer, topic)
        other = make_topic(answerer, board, title="別の質問", body="@田中 太郎 さん")
    client = login(asker)
    first, _second = notifications_of(asker)

    client.post(reverse("notifications:read", args=[first.pk]))
    assert [n.read_at is None for n in notifications_of(asker)] == [False, True]
    client.post(reverse("notifications:read_all"))
    assert all(n.read_at for n in notifications_of(asker))
    assert other.pk


def test_marking_someone_elses_notification_read_does_nothing(
    login, asker, answerer, topic, committed
):
    with committed():
        make_reply(answerer, topic)
    [notification] = notifications_of(asker)
    login(answerer).post(reverse("notifications:read", args=[notification.pk]))

    notification.refresh_from_db()
    assert notification.read_at is None


def test_count_endpoint_for_the_polling_fallback(login, asker, answerer, topic, committed):
    with committed():
        make_reply(answerer, topic)
    assert login(asker).get(reverse("notifications:count")).json() == {"unread": 1}


@pytest.mark.parametrize("topics", [2, 25])
def test_notifications_page_queries_do_not_grow(
    login, board, asker, committed, django_assert_num_queries, topics
):
    others = [MembershipFactory(board=board).user for _ in range(3)]
    with committed():
        for number in range(topics):
            topic = make_topic(asker, board, title=f"質問{number}")
            make_reply(others[number % 3], topic)
    client = login(asker)
    with django_assert_num_queries(6):  # 5 + the header's unread-conversation badge
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.content.decode().count("notification--unread") == topics


def test_older_notifications_come_page_by_page_with_none_missed_or_repeated(login, asker):
    moment = timezone.now()
    # Two share each moment, so the cursor must also tell rows of the same moment apart.
    Notification.objects.bulk_create(
        Notification(
            recipient=asker,
            kind=Kind.MODERATION,
            message=f"お知らせ{number:02d}号",
            updated_at=moment - timedelta(minutes=number // 2),
        )
        for number in range(NOTIFICATIONS_PER_PAGE + 5)
    )
    client = login(asker)
    first = client.get(reverse("notifications:list"))
    entries = first.context["entries"]
    cursor = first.context["next_cursor"]
    second = client.get(reverse("notifications:list"), {"after": cursor})
    shown = [entry.notification.message for entry, _text in entries] + [
        entry.notification.message for entry, _text in second.context["entries"]
    ]

    assert len(entries) == NOTIFICATIONS_PER_PAGE
    assert "以前の通知" in first.content.decode()
    expected = [f"お知らせ{number:02d}号" for number in range(NOTIFICATIONS_PER_PAGE + 5)]
    assert sorted(shown) == expected
    assert second.context["next_cursor"] is None
    assert client.get(reverse("notifications:list"), {"after": "garbage"}).status_code == 200
