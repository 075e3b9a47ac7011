"""The signed-in home page lists what moved lately across the member's boards, reading only
the topics it shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forums.models import Board, Membership, Topic
from forums.queries import recent_topic_ids
from tests.factories import BoardFactory, MembershipFactory, make_topic

pytestmark = pytest.mark.django_db


def boards_with_topics(member, count: int, topics_per_board: int) -> list[Board]:
    boards = [BoardFactory() for _ in range(count)]
    start = timezone.now() - timedelta(days=30)
    for board_number, board in enumerate(boards):
        MembershipFactory(board=board, user=member)
        for number in range(topics_per_board):
            topic = make_topic(member, board, title=f"{board.slug} の質問 {number}")
            # Interleave the boards' activity so that the merge has to pick from each.
            moment = start + timedelta(minutes=number * count + board_number)
            Topic.objects.filter(pk=topic.pk).update(last_posted_at=moment)
    return boards


def test_home_lists_the_newest_topics_across_every_board_of_the_member(login, verified_user):
    boards = boards_with_topics(verified_user, count=4, topics_per_board=10)
    expected = list(
        Topic.objects.filter(board__in=boards)
        .order_by("-last_posted_at", "-id")
        .values_list("title", flat=True)[:15]
    )
    response = login(verified_user).get("/")
    assert [topic.title for topic in response.context["recent_topics"]] == expected
    assert {topic.board_id for topic in response.context["recent_topics"]} == {
        board.pk for board in boards
    }


def test_boards_the_member_left_or_only_asked_to_join_are_not_on_the_home_page(
    login, verified_user
):
    joined, requested = boards_with_topics(verified_user, count=2, topics_per_board=2)
    Membership.objects.filter(user=verified_user, board=requested).update(
        state=Membership.State.PENDING
    )
    response = login(verified_user).get("/")
    assert response.context["my_boards"] == [joined]
    assert {topic.board_id for topic in response.context["recent_topics"]} == {joined.pk}


def test_recent_topic_ids_of_no_board_is_empty():
    assert recent_topic_ids([]) == []


@pytest.mark.parametrize("boards", [1, 3, 12])
def test_home_page_costs_the_same_queries_for_one_board_or_many(
    login, verified_user, django_assert_num_queries, boards
):
    boards_with_topics(verified_user, count=boards, topics_per_board=3)
    client = login(verified_user)
    # session, user, the member's boards, the recent topic ids, those topics with read state,
    # the unread-notification badge, the unread-conversation badge, the meetings of the week.
    with django_assert_num_queries(8):
        assert client.get("/").status_code == 200
