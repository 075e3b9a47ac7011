"""The board list's cards are kept between visits, yet show each change and each member's own
standing at once."""

from unittest import mock

import pytest
from django.core.cache import cache

from forums import fragments, services
from forums.models import Board, Membership
from tests.factories import BoardFactory, MembershipFactory, make_topic

pytestmark = pytest.mark.django_db


def board_list(client) -> str:
    return client.get("/boards/").content.decode()


def test_a_kept_card_is_not_rendered_again(login, verified_user):
    cache.clear()
    BoardFactory(slug="tax", name_ja="税務")
    client = login(verified_user)
    assert "税務" in board_list(client)
    with mock.patch.object(fragments, "render_to_string", side_effect=AssertionError):
        assert "税務" in board_list(client)


def test_a_new_topic_and_a_new_name_show_on_the_next_visit(login, verified_user):
    board = BoardFactory(slug="tax", name_ja="税務")
    author = MembershipFactory(board=board).user
    client = login(verified_user)
    assert "トピック0件" in board_list(client)

    make_topic(author, board, "住民税の申告期限")
    Board.objects.filter(pk=board.pk).update(name_ja="税務・徴収")
    page = board_list(client)
    assert "税務・徴収" in page
    assert "トピック0件" not in page and "トピック1件" in page


def test_each_member_sees_their_own_standing_on_the_same_board(login, verified_user):
    board = BoardFactory(slug="contracts", join_policy=Board.JoinPolicy.APPROVAL)
    moderator = MembershipFactory(board=board, role=Membership.Role.MODERATOR).user
    assert "承認制" in board_list(login(verified_user))
    services.join_board(verified_user, board, "契約担当になりました。")

    asked = board_list(login(verified_user))
    moderates = board_list(login(moderator))
    assert "申請中" in asked and "申請中" not in moderates
    assert "モデレーター" in moderates and "モデレーター" not in asked
