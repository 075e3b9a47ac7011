"""Test set-up shared by every test: plain static storage, and real services when CI asks."""

import os
from pathlib import Path

import pytest


def pytest_configure(config):
    from django.conf import settings

    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if os.environ.get("REQUIRE_SERVICES") == "1":
        _require_services(settings)


def _require_services(settings):
    """CI must exercise PostgreSQL and Redis: stop the run, never skip, when they are missing."""
    engine = settings.DATABASES["default"]["ENGINE"]
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if engine != "django.db.backends.postgresql":
        pytest.exit(f"REQUIRE_SERVICES=1 but the database is {engine}; set DATABASE_URL.", 3)
    if "channels_redis" not in layer:
        pytest.exit(f"REQUIRE_SERVICES=1 but the channel layer is {layer}; set REDIS_URL.", 3)
    import psycopg
    import redis

    try:
        psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=5).close()
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=5).ping()
    except Exception as error:  # noqa: BLE001
        pytest.exit(f"PostgreSQL or Redis is unreachable: {error}", 3)


BROWSER_FOLDERS = ("tests/browser/", "tests/accessibility/")


def pytest_collection_modifyitems(items):
    """Browser tests last: Playwright's event loop must not overlap the asyncio tests."""
    items.sort(key=lambda item: any(folder in str(item.fspath) for folder in BROWSER_FOLDERS))


@pytest.fixture(scope="session", autouse=True)
def _close_database_pool_before_teardown(django_db_setup):
    """Pooled connections left open by the threads of the ASGI test server would keep the
    test database from being dropped at the end of the run."""
    yield
    from django.db import connections

    for connection in connections.all():
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            close_pool()


def pytest_unconfigure(config):
    """Django removes a SQLite test database's file at the end of the run, not the journal
    files that WAL keeps beside it while a connection of a server thread is still open."""
    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and name:
        for leftover in Path(name).parent.glob(f"{Path(name).name}*-[ws][ah][lm]"):
            leftover.unlink(missing_ok=True)
