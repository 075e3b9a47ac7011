"""The moderators' pages cost the same number of queries however much is waiting: the board's
queue with 1 or 8 join requests and flagged posts, the moderation home with 1 or 5 boards."""

import pytest
from django.urls import reverse

from forums import services as forums
from forums.models import Membership
from moderation.models import Flag
from moderation.services import content
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def fill_queue(approval_board, waiting: int) -> None:
    asker = MembershipFactory(board=approval_board).user
    topic = make_topic(asker, approval_board, title="入札の予定価格", body="公表していますか。")
    for number in range(waiting):
        forums.join_board(UserFactory(), approval_board, message=f"調達課の{number}年目です。")
        reply = make_reply(asker, topic, f"うちでは事前公表です（{number}）。")
        reporter = MembershipFactory(board=approval_board).user
        content.flag_post(reporter, reply, Flag.Reason.OTHER, note="個人名が出ています")


@pytest.mark.parametrize("waiting", [1, 8])
def test_the_board_queue_costs_the_same_queries_however_long(
    login, approval_board, waiting, django_assert_num_queries
):
    moderator = MembershipFactory(board=approval_board, role=Membership.Role.MODERATOR).user
    fill_queue(approval_board, waiting)
    client = login(moderator)
    url = reverse("moderation:board", args=[approval_board.slug])
    client.get(url)
    with django_assert_num_queries(10):
        page = client.get(url)
    html = page.content.decode()
    assert html.count("調達課の") == waiting
    assert html.count("個人名が出ています") == waiting


@pytest.mark.parametrize("boards", [1, 5])
def test_the_moderation_home_costs_the_same_queries_for_more_boards(
    login, boards, django_assert_num_queries
):
    moderator = UserFactory()
    moderated = []
    for _ in range(boards):
        board = BoardFactory(join_policy="approval")
        Membership.objects.create(user=moderator, board=board, role=Membership.Role.MODERATOR)
        forums.join_board(UserFactory(), board, message="よろしくお願いします。")
        moderated.append(board)
    client = login(moderator)
    client.get(reverse("moderation:home"))
    with django_assert_num_queries(8):
        page = client.get(reverse("moderation:home"))
    html = page.content.decode()
    for board in moderated:
        assert reverse("moderation:board", args=[board.slug]) in html
    assert html.count('<span class="badge badge--pending">1</span>') == boards
