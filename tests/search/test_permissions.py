"""Search never shows, or counts, what the member may not read."""

import pytest

from forums import services
from forums.models import Board, Membership
from search.queries import readable_board_ids, search, similar_topics
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_topic(invite_board):
    insider = MembershipFactory(board=invite_board).user
    return services.create_topic(insider, invite_board, "極秘の入札案件", "入札の予定価格について")


def test_invite_board_post_never_appears_for_a_non_member(secret_topic, verified_user, login):
    page = search(readable_board_ids(verified_user), "予定価格")
    assert page.results == [] and page.total == 0
    response = login(verified_user).get("/search/", {"q": "予定価格"})
    assert "極秘" not in response.content.decode()
    assert response.context["result"].total == 0


def test_invite_board_post_is_not_counted_for_a_non_member(
    secret_topic, verified_user, board, member
):
    services.create_topic(member, board, "入札の質問", "入札について")
    page = search(readable_board_ids(verified_user), "入札")
    assert page.total == 1
    assert [r.post.topic.title for r in page.results] == ["入札の質問"]


def test_invite_board_post_appears_for_its_members(secret_topic, invite_board):
    insider = Membership.objects.get(board=invite_board).user
    assert search(readable_board_ids(insider), "予定価格").total == 1


def test_invited_but_not_yet_joined_member_cannot_find_it(secret_topic, invite_board):
    invited = MembershipFactory(board=invite_board, state=Membership.State.INVITED).user
    assert search(readable_board_ids(invited), "予定価格").total == 0


def test_filtering_on_an_unreadable_board_finds_nothing(secret_topic, invite_board, login):
    outsider = UserFactory()
    response = login(outsider).get("/search/", {"q": "入札", "board": invite_board.slug})
    assert response.status_code == 200
    assert "極秘" not in response.content.decode()


def test_similar_topics_never_suggest_an_unreadable_board(secret_topic, verified_user, login):
    assert similar_topics(readable_board_ids(verified_user), "入札の予定価格") == []
    response = login(verified_user).get("/search/similar/", {"title": "極秘の入札"})
    assert response.json() == {"topics": []}


def test_approval_board_posts_are_found_by_every_verified_member(approval_board, verified_user):
    author = MembershipFactory(board=approval_board).user
    services.create_topic(author, approval_board, "随意契約の基準", "少額随契の上限額は？")
    assert approval_board.join_policy == Board.JoinPolicy.APPROVAL
    assert search(readable_board_ids(verified_user), "随契").total == 1


@pytest.mark.parametrize("role", ["pending_user", "unverified_user"])
@pytest.mark.parametrize("url", ["/search/?q=入札", "/search/similar/?title=入札"])
def test_members_not_yet_verified_are_sent_to_their_status_page(request, login, role, url):
    user = request.getfixturevalue(role)
    response = login(user).get(url)
    assert response.status_code == 302
    assert response["Location"] == "/account/status/"


def test_strangers_are_sent_to_sign_in(client):
    response = client.get("/search/?q=入札")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
