"""The database blip itself, run by test_database_blip.py in a process of its own.

Only this test database's own backends are terminated, never another database's.
"""

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.factories import MembershipFactory, make_topic

pytestmark = pytest.mark.django_db(transaction=True)


def _terminate_backends_of_this_database() -> int:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    return killed


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL (DATABASE_URL)",
)
def test_pages_answer_after_every_pooled_connection_was_terminated(board):
    member = MembershipFactory(board=board).user
    topic = make_topic(member, board)
    client = Client()
    client.force_login(member)
    assert client.get(topic.get_absolute_url()).status_code == 200
    connection.close()  # hand this thread's connection back to the pool too

    assert _terminate_backends_of_this_database() >= 1

    for path in ("/", "/boards/", topic.get_absolute_url()):
        assert client.get(path).status_code == 200, path
