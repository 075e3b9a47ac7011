"""Fixtures shared by the tests: one per role, on a small cast of boards."""

import asyncio
import asyncio.runners
import os
from urllib.parse import urlparse

import pytest
from django.test import Client

from accounts.models import User
from forums.models import Board, Membership
from tests.factories import BoardFactory, MembershipFactory, UserFactory


def _cancel_leftover_tasks_within_a_limit(loop, seconds: float = 10.0) -> None:
    """What ``asyncio.Runner`` does when a test's event loop closes (cancel what is still
    running and wait for it), but waiting at most ``seconds``.

    A test that ends while a channel-layer receive is still pending leaves that task behind; the
    loop's closing cancels it. Rarely, channels-redis's shared receive loop does not finish
    cancelling (seen once in CI: a test worker waited on it with Redis answering an empty
    ``BZPOPMIN`` every five seconds), and the run hung with every test passed. A task still
    running after the limit is abandoned with the loop; Python reports it as destroyed while
    pending."""
    leftover = asyncio.all_tasks(loop)
    if not leftover:
        return
    for task in leftover:
        task.cancel()
    done, _pending = loop.run_until_complete(asyncio.wait(leftover, timeout=seconds))
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            loop.call_exception_handler(
                {
                    "message": "unhandled exception while a test's event loop closed",
                    "exception": task.exception(),
                    "task": task,
                }
            )


def pytest_configure(config):
    """With ``pytest -n`` each worker has its own test database (pytest-django's suffix); give it
    its own Redis database too, so that one worker's cache flush or channel group never reaches
    another's. Servers the tests start as subprocesses inherit it through ``REDIS_URL``."""
    asyncio.runners._cancel_all_tasks = _cancel_leftover_tasks_within_a_limit
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not worker.startswith("gw") or not redis_url:
        return
    from django.conf import settings as django_settings

    own = urlparse(redis_url)._replace(path=f"/{10 + int(worker[2:])}").geturl()
    os.environ["REDIS_URL"] = own
    django_settings.REDIS_URL = own
    django_settings.CACHES["default"]["LOCATION"] = own
    django_settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"] = own


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test gets a channel layer of its own: a Redis layer binds its locks to the event loop
    that first used it, and every async test runs on a new loop."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


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
