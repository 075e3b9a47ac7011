"""A board with an asker, an answerer and a few readers, and a way to run what a write queues."""

import pytest

from notifications.models import Notification
from tests.factories import MembershipFactory, MunicipalityFactory, make_topic


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the writes inside queue once they commit: with the immediate task backend the
    background tasks (fan-out, e-mail) run right there, as the worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def asker(board):
    return MembershipFactory(board=board, user__display_name="田中 太郎").user


@pytest.fixture
def answerer(board):
    far_away = MunicipalityFactory(code="011002", prefecture="北海道", name="札幌市")
    return MembershipFactory(
        board=board,
        user__display_name="佐藤",
        user__full_name="佐藤 花子",
        user__municipality=far_away,
    ).user


@pytest.fixture
def topic(asker, board, committed):
    with committed():
        return make_topic(asker, board, title="モデルナの保管")


def notifications_of(user, **filters):
    return list(Notification.objects.filter(recipient=user, **filters).order_by("id"))
