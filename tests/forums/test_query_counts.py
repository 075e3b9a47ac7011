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
