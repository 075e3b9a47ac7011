"""A small cast for private conversations: a newcomer who asks, a colleague far away who did
the job before, another member, a site moderator; and a way to run what writes queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations import services
from tests.factories import MunicipalityFactory, UserFactory

LONG_AGO = timezone.now() - timedelta(days=400)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the writes inside queue once they commit (live events, notification tasks)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def veteran(**fields):
    """A member verified long ago (the new-member limit does not apply)."""
    fields.setdefault("status_changed_at", LONG_AGO)
    fields.setdefault("date_joined", LONG_AGO)
    return UserFactory(**fields)


@pytest.fixture
def newcomer(db):
    return veteran(display_name="田中 太郎", full_name="田中 太郎", department="生活福祉課")


@pytest.fixture
def expert(db):
    sapporo = MunicipalityFactory(code="011002", prefecture="北海道", name="札幌市")
    return veteran(
        display_name="佐藤 花子", full_name="佐藤 花子", municipality=sapporo, department="保護課"
    )


@pytest.fixture
def outsider(db):
    return veteran(display_name="鈴木 一郎", full_name="鈴木 一郎")


@pytest.fixture
def moderator(db):
    return veteran(is_site_moderator=True, full_name="山田 花子", display_name="山田")


@pytest.fixture
def conversation(newcomer, expert):
    return services.start_conversation(
        newcomer,
        [expert],
        "はじめまして。生活保護の返還金の件で相談させてください。",
        title="返還金",
    )
