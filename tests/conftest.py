"""Fixtures shared by the tests: one per role, on a small cast of boards."""

import pytest
from django.test import Client

from accounts.models import User
from forums.models import Board, Membership
from tests.factories import BoardFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Background tasks run as soon as they are queued (after the commit that queues them);
    tests of the worker itself switch back to the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def board(db):
    return BoardFactory(slug="vaccination", name_ja="予防接種", name_en="Vaccination")


@pytest.fixture
def approval_board(db):
    return BoardFactory(
        slug="procurement", name_ja="調達・契約", join_policy=Board.JoinPolicy.APPROVAL
    )


@pytest.fixture
def invite_board(db):
    return BoardFactory(
        slug="moderators", name_ja="モデレーター室", join_policy=Board.JoinPolicy.INVITE
    )


@pytest.fixture
def verified_user(db):
    """Verified staff who belongs to no board."""
    return UserFactory()


@pytest.fixture
def member(board):
    return MembershipFactory(board=board).user


@pytest.fixture
def board_moderator(board):
    return MembershipFactory(board=board, role=Membership.Role.MODERATOR).user


@pytest.fixture
def site_moderator(db):
    return UserFactory(is_site_moderator=True, full_name="山田 花子")


@pytest.fixture
def pending_user(db):
    return UserFactory(status=User.Status.PENDING, email="applicant@gmail.com")


@pytest.fixture
def unverified_user(db):
    return UserFactory(status=User.Status.UNVERIFIED)


@pytest.fixture
def suspended_user(board):
    user = UserFactory(status=User.Status.SUSPENDED)
    MembershipFactory(board=board, user=user)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def login():
    return client_for
