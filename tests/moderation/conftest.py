"""Fixtures of the moderation specs: an approval board with a moderator, a request and a post."""

import pytest

from forums.models import Board, Membership
from moderation.models import AuditEntry
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic


@pytest.fixture
def procurement(db):
    return BoardFactory(
        slug="procurement", name_ja="調達・契約", join_policy=Board.JoinPolicy.APPROVAL
    )


@pytest.fixture
def procurement_moderator(procurement):
    return MembershipFactory(
        board=procurement, role=Membership.Role.MODERATOR, user__full_name="鈴木 美咲"
    ).user


@pytest.fixture
def join_request(procurement):
    return MembershipFactory(
        board=procurement,
        state=Membership.State.PENDING,
        request_message="入札事務の担当になりました。",
        user__full_name="田中 一郎",
    )


@pytest.fixture
def topic(board, member):
    return make_topic(member, board)


@pytest.fixture
def reply(topic, board):
    author = MembershipFactory(board=board, user__full_name="佐藤 健").user
    return make_reply(author, topic, "窓口に来た山田太郎さん（090-1234-5678）の件です。")


@pytest.fixture
def other_board_moderator(db):
    other = BoardFactory(slug="welfare", name_ja="生活保護")
    return MembershipFactory(board=other, role=Membership.Role.MODERATOR).user


@pytest.fixture
def outsider(db):
    return UserFactory(full_name="外部 太郎")


def only_entry(**filters) -> AuditEntry:
    [entry] = AuditEntry.objects.filter(**filters)
    return entry
