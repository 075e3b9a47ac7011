"""PostgreSQL connections terminated under the site (a restart, a failover) cost no request.

The case itself (``database_blip_case.py``) terminates every backend of its test database, so
it runs in a pytest process of its own on a database of its own: terminating the backends of
the suite's shared test database would also cut the connections that this process's other
threads (Channels' database executor) still hold, and break the tests that follow.
"""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _own_database_url() -> str:
    """A database named after this run's test database, so parallel runs never share one."""
    params = settings.DATABASES["default"]
    case_database = f"{params['NAME']}_blip"
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    admin = psycopg.connect(
        dbname="postgres", user=user, password=params.get("PASSWORD") or None, host=host,
        port=port, autocommit=True,
    )  # fmt: skip
    with admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [case_database]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{case_database}"')
    return f"postgres://{user}{password}@{host}:{port}/{case_database}"


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL (DATABASE_URL)",
)
def test_pages_answer_after_every_pooled_connection_was_terminated(migrated_site):
    url = _own_database_url()
    # The case's test database is a copy of the migrated site database, reused as it is,
    # instead of being migrated again from nothing.
    migrated_site.clone_database(f"test_{url.rsplit('/', 1)[1]}")
    environment = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1"}
    case = ROOT / "tests" / "foundation" / "database_blip_case.py"
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--reuse-db", str(case)],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-2000:]
    assert "1 passed" in finished.stdout
