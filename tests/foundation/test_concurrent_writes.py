"""Concurrent writes wait, never fail: twenty members reply to one topic at the same moment
through the real site (``python -m onlinecityhall.run``: uvicorn and the task worker side by
side, as ``make run`` starts them), and every reply and every notification arrives.

The site runs in its own processes on its own database: a SQLite file on the embedded default,
or a PostgreSQL database of its own when ``DATABASE_URL`` is set (as in CI).
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent.parent
POSTERS = 20
REPLIES_EACH = 3
CSRF = "a" * 32  # a bare secret is a valid token when the cookie holds the same secret


def manage(env, *arguments, timeout=180) -> str:
    completed = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def shell(env, code: str) -> dict:
    output = manage(env, "shell", "--no-imports", "-c", code)
    return json.loads(output.strip().splitlines()[-1])


def site_environment(tmp_path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DJANGO_DEBUG="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        DJANGO_SETTINGS_MODULE="onlinecityhall.settings",
    )
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        parsed = urlparse(url)
        name = f"{parsed.path.lstrip('/')}_concurrency"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = parsed._replace(path=f"/{name}").geturl()
    else:
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)  # the embedded default: in-memory channel layer
        env["SQLITE_NAME"] = str(tmp_path / "site.sqlite3")
    return env


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_reply(base: str, topic: int, session: str, body: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{base}/topics/{topic}/reply/",
        data=urlencode(
            {"csrfmiddlewaretoken": CSRF, "body": body, "submission_token": os.urandom(16).hex()}
        ).encode(),
        headers={"Cookie": f"sessionid={session}; csrftoken={CSRF}"},
        method="POST",
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the site stopped while starting"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:  # not listening yet, or too busy starting to answer
            time.sleep(0.3)
    raise AssertionError("the site did not start")


def queue_drained(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
        return json.load(response)["tasks"]


def test_twenty_concurrent_posters_lose_nothing_with_the_worker_running(tmp_path):
    env = site_environment(tmp_path)
    manage(env, "migrate", "--noinput", timeout=300)
    seeded = shell(
        env, f"from tests.foundation import concurrent_site; concurrent_site.seed({POSTERS})"
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "site.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "onlinecityhall.run", "--port", str(port)],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(base, server)
        start = threading.Barrier(POSTERS)
        results: list[tuple[int, str]] = []

        def poster(index: int, session: str) -> None:
            start.wait()
            for number in range(REPLIES_EACH):
                results.append(
                    post_reply(base, seeded["topic"], session, f"{index}番から{number}件目の返信")
                )

        threads = [
            threading.Thread(target=poster, args=(index, session))
            for index, session in enumerate(seeded["sessions"])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=240)

        deadline = time.monotonic() + 120
        while (tasks := queue_drained(base))["queue_depth"] and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    server_log = (tmp_path / "site.log").read_text()

    statuses = [status for status, _ in results]
    assert len(results) == POSTERS * REPLIES_EACH
    answers = dict(Counter(statuses))
    assert answers == {302: len(results)}, (f"answers by status: {answers}", server_log[-3000:])
    assert all("#post-" in location for _, location in results)
    assert "database is locked" not in server_log
    assert "Traceback" not in server_log, server_log[-5000:]
    assert tasks == {**tasks, "queue_depth": 0, "failed": 0}

    outcome = shell(
        env,
        f"from tests.foundation import concurrent_site; concurrent_site.report({seeded['topic']})",
    )
    expected = 1 + POSTERS * REPLIES_EACH
    assert outcome["posts"] == outcome["post_count"] == outcome["board_post_count"] == expected
    assert outcome["numbers"] == list(range(1, expected + 1))
    # Every watcher (the asker and the twenty posters) was told up to the latest reply that
    # somebody else wrote, however the worker grouped and coalesced the fan-outs.
    assert outcome["watchers"] == POSTERS + 1
    assert outcome["untold_watchers"] == []
