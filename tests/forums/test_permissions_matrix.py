"""Who may view, post, reply, edit others' posts and accept answers, for every join policy."""

import pytest

from accounts.models import User
from forums.models import Board, Membership
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unverified", "pending", "non_member", "member", "moderator", "suspended"]
POLICIES = [Board.JoinPolicy.OPEN, Board.JoinPolicy.APPROVAL, Board.JoinPolicy.INVITE]

# What each role may do; invite boards are invisible to everybody who is not a member.
CAN_VIEW = {"non_member", "member", "moderator"}
CAN_VIEW_INVITE = {"member", "moderator"}
CAN_POST = {"member", "moderator"}


def user_in_role(role: str, board: Board):
    if role == "anonymous":
        return None
    status = {
        "unverified": User.Status.UNVERIFIED,
        "pending": User.Status.PENDING,
        "suspended": User.Status.SUSPENDED,
    }.get(role, User.Status.VERIFIED)
    user = UserFactory(status=status)
    if role in ("member", "moderator", "suspended"):
        MembershipFactory(
            user=user,
            board=board,
            role=Membership.Role.MODERATOR if role == "moderator" else Membership.Role.MEMBER,
        )
    return user


@pytest.fixture
def scene():
    """A board of each policy, each with a question by its asker and one reply by a member."""

    def build(policy):
        board = BoardFactory(join_policy=policy)
        asker = MembershipFactory(board=board).user
        answerer = MembershipFactory(board=board).user
        topic = make_topic(asker, board)
        reply = make_reply(answerer, topic)
        return board, topic, reply

    return build


def client_as(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("role", ROLES)
def test_viewing_a_board_and_a_topic(client, scene, policy, role):
    board, topic, _reply = scene(policy)
    user = user_in_role(role, board)
    allowed = CAN_VIEW_INVITE if policy == Board.JoinPolicy.INVITE else CAN_VIEW
    for url in (f"/boards/{board.slug}/", f"/topics/{topic.pk}/"):
        client.logout()
        response = client_as(client, user).get(url)
        if role in allowed:
            assert response.status_code == 200, url
        elif role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif role == "suspended":
            assert response.status_code == 302 and response["Location"] == "/account/suspended/"
        elif role in ("unverified", "pending"):
            assert response.status_code == 302 and response["Location"] == "/account/status/"
        else:
            assert response.status_code == 404, url


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("role", ROLES)
def test_starting_a_topic_and_replying(client, scene, policy, role):
    board, topic, _reply = scene(policy)
    client = client_as(client, user_in_role(role, board))
    before = topic.posts.count()
    client.post(f"/boards/{board.slug}/new/", {"title": "質問です", "body": "本文"})
    client.post(f"/topics/{topic.pk}/reply/", {"body": "返信です"})
    topic.refresh_from_db()
    created_topics = board.topics.filter(title="質問です").count()
    if role in CAN_POST:
        assert created_topics == 1
        assert topic.posts.count() == before + 1
    else:
        assert created_topics == 0
        assert topic.posts.count() == before


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("role", ROLES)
def test_editing_someone_elses_post_is_refused(client, scene, policy, role):
    board, _topic, reply = scene(policy)
    client = client_as(client, user_in_role(role, board))
    client.post(f"/posts/{reply.pk}/edit/", {"body": "書き換え"})
    client.post(f"/posts/{reply.pk}/delete/")
    reply.refresh_from_db()
    assert reply.body != "書き換え"
    assert reply.deleted_at is None


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("role", ROLES)
def test_accepting_an_answer_is_for_the_asker_and_board_moderators(client, scene, policy, role):
    board, topic, reply = scene(policy)
    client = client_as(client, user_in_role(role, board))
    client.post(f"/topics/{topic.pk}/accept/", {"post": reply.pk})
    topic.refresh_from_db()
    assert (topic.accepted_post_id == reply.pk) is (role == "moderator")


@pytest.mark.parametrize("policy", POLICIES)
def test_the_asker_accepts_an_answer(client, scene, policy):
    _board, topic, reply = scene(policy)
    client_as(client, topic.author).post(f"/topics/{topic.pk}/accept/", {"post": reply.pk})
    topic.refresh_from_db()
    assert topic.accepted_post_id == reply.pk


def test_the_author_edits_their_post_and_the_old_text_stays_in_the_history(client, scene):
    _board, _topic, reply = scene(Board.JoinPolicy.OPEN)
    client = client_as(client, reply.author)
    response = client.post(f"/posts/{reply.pk}/edit/", {"body": "訂正：-25℃でした。"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body == "訂正：-25℃でした。" and reply.edited_at is not None
    history = client.get(f"/posts/{reply.pk}/history/").content.decode()
    assert "うちでは-20℃で保管しています。" in history


def test_a_locked_topic_takes_replies_only_from_moderators(client, scene):
    board, topic, _reply = scene(Board.JoinPolicy.OPEN)
    topic.is_locked = True
    topic.save()
    member = MembershipFactory(board=board).user
    client_as(client, member).post(f"/topics/{topic.pk}/reply/", {"body": "返信"})
    assert topic.posts.count() == 2


def test_invite_board_is_missing_from_the_board_list_of_non_members(client, verified_user):
    BoardFactory(slug="secret", name_ja="秘密の部屋", join_policy=Board.JoinPolicy.INVITE)
    html = client_as(client, verified_user).get("/boards/").content.decode()
    assert "秘密の部屋" not in html
