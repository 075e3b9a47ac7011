"""Every list page costs a fixed number of queries, however much it shows."""

import pytest

from forums.models import Board
from tests.factories import BoardFactory, MembershipFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def fill_board(board, topics: int, replies: int):
    authors = [MembershipFactory(board=board).user for _ in range(3)]
    for number in range(topics):
        topic = make_topic(authors[number % 3], board, title=f"質問{number}")
        for reply in range(replies):
            make_reply(authors[reply % 3], topic)
    return authors


@pytest.mark.parametrize("boards", [2, 12])
def test_board_list_queries_do_not_grow_with_boards(
    login, member, django_assert_num_queries, boards
):
    for number in range(boards):
        BoardFactory(join_policy=Board.JoinPolicy.INVITE if number % 3 == 0 else "open")
    client = login(member)
    with django_assert_num_queries(6):  # 4 + the notification and conversation badges
        assert client.get("/boards/").status_code == 200


@pytest.mark.parametrize("topics", [3, 30])
def test_board_page_queries_do_not_grow_with_topics(
    login, member, board, django_assert_num_queries, topics
):
    fill_board(board, topics, replies=1)
    client = login(member)
    # 6 + the notification and conversation badges + the watch button + upcoming meetings +
    # open progress tables
    with django_assert_num_queries(11):
        assert client.get(f"/boards/{board.slug}/").status_code == 200


@pytest.mark.parametrize("replies", [2, 25])
def test_topic_page_queries_do_not_grow_with_posts(
    login, member, board, django_assert_num_queries, replies
):
    fill_board(board, 1, replies=replies)
    topic = board.topics.get()
    make_reply(member, topic)
    topic.accepted_post = topic.posts.last()
    topic.save()
    client = login(member)
    client.get(f"/topics/{topic.pk}/?page=1")  # the first visit writes the read marker
    # 8 + the notification and conversation badges + the watch button (no post has files:
    # their files cost no query; tests/attachments counts the page with files)
    with django_assert_num_queries(11):
        assert client.get(f"/topics/{topic.pk}/?page=1").status_code == 200


def test_home_page_queries_are_constant(login, member, board, django_assert_num_queries):
    fill_board(board, 10, replies=1)
    client = login(member)
    # 5 + the notification and conversation badges + meetings this week
    with django_assert_num_queries(8):
        assert client.get("/").status_code == 200


def test_a_reply_costs_a_fixed_number_of_queries(login, member, board, django_assert_num_queries):
    """The reply POST: the session, the member, the topic and the membership, then one
    transaction for the post and every effect (counters, read marker, live event, search
    document, subscription). A reply without files opens no transaction for files; the
    membership is not read twice, nor the form's token looked up before the write."""
    from django.db import connection

    fill_board(board, 1, replies=2)
    topic = board.topics.get()
    client = login(member)
    client.post(f"/topics/{topic.pk}/reply/", {"body": "最初の返信です。", "submission_token": "a"})
    # The transaction's 11 include its SAVEPOINT and RELEASE (BEGIN and COMMIT outside a test);
    # SQLite writes its full-text table beside the search document (2 more).
    expected = 15 + (2 if connection.vendor == "sqlite" else 0)
    with django_assert_num_queries(expected) as captured:
        response = client.post(
            f"/topics/{topic.pk}/reply/", {"body": "二度目の返信です。", "submission_token": "b"}
        )
    assert response.status_code == 302
    statements = [query["sql"] for query in captured.captured_queries]
    assert sum(sql.startswith(("BEGIN", "SAVEPOINT")) for sql in statements) == 1


def test_the_live_event_of_a_new_reply_reads_the_topic_and_the_post(
    member, board, django_assert_num_queries
):
    """Rendered after the commit, from the database: no query for files the post has none of."""
    from forums import live
    from forums.models import TopicEvent

    fill_board(board, 1, replies=1)
    reply = make_reply(member, board.topics.get())
    event = TopicEvent.objects.get(post=reply, kind="post.created")
    with django_assert_num_queries(2):
        rendered = live.render_event(event)
    assert rendered["post_id"] == reply.pk and f'id="post-{reply.number}"' in rendered["html"]
