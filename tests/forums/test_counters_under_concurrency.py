"""Concurrent replies get consecutive numbers and no counter update is lost (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from forums import services
from forums.models import Board, Topic
from tests.factories import BoardFactory, MembershipFactory, make_topic

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)

THREADS = 8
REPLIES_EACH = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_lose_no_update():
    board = BoardFactory()
    authors = [MembershipFactory(board=board).user for _ in range(THREADS)]
    topic = make_topic(authors[0], board)
    start = threading.Barrier(THREADS)
    errors = []

    def reply_many(author):
        try:
            start.wait()
            for index in range(REPLIES_EACH):
                services.post_reply(author, topic, f"{author.pk}-{index}")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reply_many, args=(author,)) for author in authors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    topic = Topic.objects.get(pk=topic.pk)
    expected = 1 + THREADS * REPLIES_EACH
    assert topic.post_count == expected
    assert topic.reply_count == expected - 1
    numbers = sorted(topic.posts.values_list("number", flat=True))
    assert numbers == list(range(1, expected + 1))
    board = Board.objects.get(pk=board.pk)
    assert board.post_count == expected
    assert board.topic_count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_helpful_marks_are_counted_exactly():
    board = BoardFactory()
    readers = [MembershipFactory(board=board).user for _ in range(THREADS)]
    topic = make_topic(MembershipFactory(board=board).user, board)
    post = topic.posts.get()
    start = threading.Barrier(THREADS)

    def mark(reader):
        try:
            start.wait()
            services.toggle_helpful(reader, post)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=mark, args=(reader,)) for reader in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    post.refresh_from_db()
    assert post.helpful_count == THREADS == post.helpful_marks.count()
