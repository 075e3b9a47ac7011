"""A board with members from several municipalities, and a meeting scheduled through the
real service."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Municipality
from meetings import services
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory


@pytest.fixture
def kobe(db):
    return MunicipalityFactory(
        code="281000", prefecture="兵庫県", name="神戸市", kind=Municipality.Kind.DESIGNATED_CITY
    )


@pytest.fixture
def ogasawara(db):
    return MunicipalityFactory(
        code="134210", prefecture="東京都", name="小笠原村", kind=Municipality.Kind.VILLAGE
    )


@pytest.fixture
def host(board):
    return MembershipFactory(board=board, user=UserFactory(full_name="山田 花子")).user


@pytest.fixture
def colleague(board, kobe):
    return MembershipFactory(board=board, user=UserFactory(municipality=kobe)).user


@pytest.fixture
def villager(board, ogasawara):
    return MembershipFactory(board=board, user=UserFactory(municipality=ogasawara)).user


def schedule(host, board, *, days=3, capacity=None, **extra):
    starts_at = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    return services.schedule_meeting(
        host,
        board,
        title=extra.pop("title", "3回目接種の進め方 意見交換会"),
        starts_at=starts_at,
        duration_minutes=extra.pop("duration_minutes", 90),
        video_url="https://meet.city.habikino.lg.jp/room/123",
        capacity=capacity,
        description=extra.pop("description", "予約枠の埋め方について意見交換します。"),
    )


@pytest.fixture
def meeting(host, board):
    return schedule(host, board)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the writes inside queue once they commit (immediate task backend)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
