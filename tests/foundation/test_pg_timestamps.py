"""PostgreSQL timestamps are parsed by psycopg's C loader and read back exactly as Django's own
loader reads them."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone as django_timezone

from core.pgtimestamps import CTimestamptzLoader, timestamptz_loader
from forums.models import Topic

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL (DATABASE_URL)",
)


def test_the_c_loader_is_there_to_be_used():
    # psycopg[binary] is pinned: without it this module would silently change nothing.
    assert CTimestamptzLoader is not None


@pytest.mark.django_db
def test_every_connection_reads_timestamps_with_the_c_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)
    assert loader is timestamptz_loader(connection.timezone)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written",
    [
        datetime(2026, 4, 1, 9, 0, 0, 123456, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 4, 1, 9, 30, tzinfo=timezone(timedelta(hours=9))),  # Tokyo time
    ],
)
def test_a_timestamp_comes_back_as_written_in_utc(topic_of_board, written):
    Topic.objects.filter(pk=topic_of_board.pk).update(created_at=written)

    read = Topic.objects.values_list("created_at", flat=True).get(pk=topic_of_board.pk)

    assert read == written
    assert read.tzinfo is UTC
    assert django_timezone.localtime(read).utcoffset() == timedelta(hours=9)


@pytest.fixture
def topic_of_board(board, member):
    from forums import services

    return services.create_topic(member, board, "会場の予約", "本文です。")
