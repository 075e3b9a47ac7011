"""Faults benchmark: what members see when Redis, PostgreSQL or the worker fail, and how fast the
site is whole again.

    .venv/bin/python bench/faults.py

Runs the real launcher (``python -m onlinecityhall.run --workers 2``: uvicorn and the task
worker) on PostgreSQL (database och_bench_faults, created and migrated if missing) and a Redis
server of its own on a free port (``redis-server`` from the system), then, one after the other:

1. Redis stopped for 10 s while a member reads pages, signs in and posts: answers by status;
   after Redis is back, the time until /healthz says ``ok`` and until a live event reaches a
   newly opened WebSocket again.
2. Every PostgreSQL connection of the site terminated: failed requests among the next ones and
   the time until a page answers again.
3. The task worker killed (SIGKILL): the time until the launcher has started a new one and
   until a queued task has run.
4. SIGTERM to the launcher with 20 WebSockets and 5 event streams open: the time until the
   launcher and every process it started have exited and the port is free.
"""

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.live import new_topic, seed, sessions_for  # noqa: E402

# The process helpers of the fault tests (standard library only): one reading of /proc.
from tests.foundation.live_site import alive, descendants, free_port  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/och_bench_faults"
SIGN_IN_EMAIL = "poster@bench-live.lg.jp"  # bench.live's seeded poster
SIGN_IN_PASSWORD = "bench-live-password"  # noqa: S105 - the bench's own seeded account


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


class Site:
    def __init__(self, port: int, session: str):
        self.port, self.session = port, session

    def request(self, method: str, path: str, body: dict | None = None, cookie: bool = True):
        from django.conf import settings

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {}
        if cookie:
            headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={self.session}"
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        except OSError:
            return 0, b""

    def reply(self, topic_id: int, text: str) -> int:
        """The real form: its CSRF token from the page, then the POST."""
        from django.conf import settings

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        cookie = f"{settings.SESSION_COOKIE_NAME}={self.session}"
        try:
            connection.request("GET", f"/topics/{topic_id}/?page=last", headers={"Cookie": cookie})
            page = connection.getresponse()
            html = page.read().decode()
            csrf = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie", "")).group(1)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            submission = re.search(r'name="submission_token" value="([^"]*)"', html).group(1)
            form = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "submission_token": submission, "body": text}
            )
            origin = f"http://127.0.0.1:{self.port}"
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request(
                "POST",
                f"/topics/{topic_id}/reply/",
                body=form,
                headers={
                    "Cookie": f"{cookie}; csrftoken={csrf}",
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": origin,
                    "Referer": origin + f"/topics/{topic_id}/",
                },
            )
            return connection.getresponse().status
        except (OSError, AttributeError):
            return 0

    def sign_in(self, email: str, password: str) -> int:
        """The real sign-in form, CSRF token and all, as a visitor."""
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request("GET", "/accounts/login/")
            page = connection.getresponse()
            html = page.read().decode()
            csrf = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie", "")).group(1)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            form = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "login": email, "password": password}
            )
            origin = f"http://127.0.0.1:{self.port}"
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request(
                "POST",
                "/accounts/login/",
                body=form,
                headers={
                    "Cookie": f"csrftoken={csrf}",
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": origin,
                    "Referer": origin + "/accounts/login/",
                },
            )
            return connection.getresponse().status
        except (OSError, AttributeError):
            return 0

    def health(self) -> dict:
        status, body = self.request("GET", "/healthz", cookie=False)
        with contextlib.suppress(ValueError):
            return json.loads(body) | {"http": status}
        return {"http": status}


def worker_pids(launcher: int) -> set[int]:
    pids = set()
    for pid in descendants(launcher):
        with contextlib.suppress(OSError):
            if b"db_worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                pids.add(pid)
    return pids


async def live_event_arrives(site: Site, topic_id: int, timeout: float = 30) -> float | None:
    """Open a socket, post a reply, and return the seconds until its event arrives (or None)."""
    from django.conf import settings

    url = f"ws://127.0.0.1:{site.port}/ws/topics/{topic_id}/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={site.session}"}
    try:
        async with websockets.connect(
            url, additional_headers=headers, origin=f"http://127.0.0.1:{site.port}"
        ) as connection:
            await asyncio.sleep(0.3)
            started = time.monotonic()
            await asyncio.to_thread(site.reply, topic_id, "ライブ確認")
            while time.monotonic() - started < timeout:
                event = json.loads(await asyncio.wait_for(connection.recv(), timeout))
                if event.get("type") == "post.created":
                    return time.monotonic() - started
    except (OSError, TimeoutError, websockets.ConnectionClosed):
        return None
    return None


def redis_outage(site: Site, redis: subprocess.Popen, restart, topic, board) -> dict:
    redis.terminate()
    redis.wait()
    answers: dict[str, list[int]] = {"pages": [], "sign-in": [], "reply": []}
    end = time.monotonic() + 10
    while time.monotonic() < end:
        for path in ("/", "/boards/", f"/boards/{board.slug}/", f"/topics/{topic.pk}/"):
            answers["pages"].append(site.request("GET", path)[0])
        answers["sign-in"].append(site.sign_in(SIGN_IN_EMAIL, SIGN_IN_PASSWORD))
        answers["reply"].append(site.reply(topic.pk, "Redis停止中の返信"))
        time.sleep(0.5)
    degraded = site.health().get("status")
    restarted = time.monotonic()
    redis = restart()
    healthy_after = None
    while time.monotonic() - restarted < 60:
        if site.health().get("status") == "ok":
            healthy_after = time.monotonic() - restarted
            break
        time.sleep(0.1)
    live_after = None
    while time.monotonic() - restarted < 60:
        latency = asyncio.run(live_event_arrives(site, topic.pk, timeout=5))
        if latency is not None:
            live_after = time.monotonic() - restarted
            break
    summary = {name: sorted(set(codes)) for name, codes in answers.items()}
    return {
        "answers while Redis was down": summary,
        "5xx while down": sum(code >= 500 for codes in answers.values() for code in codes),
        "/healthz status while down": degraded,
        "healthz ok after restart (s)": round(healthy_after, 2) if healthy_after else None,
        "live events flow again after restart (s)": round(live_after, 2) if live_after else None,
        "redis": redis,
    }


def database_blip(site: Site, database: str, topic) -> dict:
    import psycopg

    with psycopg.connect(
        f"postgresql://postgres@127.0.0.1:5432/{database}", autocommit=True
    ) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    started = time.monotonic()
    statuses, first_ok = [], None
    for _ in range(20):
        statuses.append(site.request("GET", f"/topics/{topic.pk}/")[0])
        if statuses[-1] == 200 and first_ok is None:
            first_ok = time.monotonic() - started
    return {
        "connections terminated": killed,
        "failed among the next 20 requests": sum(status != 200 for status in statuses),
        "first page after (s)": round(first_ok, 3) if first_ok is not None else None,
    }


def worker_kill(site: Site, launcher: subprocess.Popen, topic) -> dict:
    from django.db import connection

    from notifications.task_queue import queue_stats

    connection.close()  # this process's own connection went in the database step

    deadline = time.monotonic() + 60
    while not worker_pids(launcher.pid) and time.monotonic() < deadline:
        time.sleep(0.2)  # e.g. being started again after the database blip
    old = min(worker_pids(launcher.pid))
    os.kill(old, signal.SIGKILL)
    killed = time.monotonic()
    site.reply(topic.pk, "ワーカー停止中の返信")  # queues a fan-out task
    replaced = ran = None
    while time.monotonic() - killed < 120:
        current = worker_pids(launcher.pid) - {old}
        if current and replaced is None:
            replaced = time.monotonic() - killed
        if replaced is not None and queue_stats()["queue_depth"] == 0:
            ran = time.monotonic() - killed
            break
        time.sleep(0.2)
    return {
        "new worker after (s)": round(replaced, 2) if replaced else None,
        "queued task done after (s)": round(ran, 2) if ran else None,
        "web server answered meanwhile": site.request("GET", "/boards/")[0] == 200,
    }


async def hold_connections(site: Site, topic_id: int):
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={site.session}"
    sockets, streams = [], []
    for _ in range(20):
        sockets.append(
            await websockets.connect(
                f"ws://127.0.0.1:{site.port}/ws/topics/{topic_id}/",
                additional_headers={"Cookie": cookie},
                origin=f"http://127.0.0.1:{site.port}",
            )
        )
    for _ in range(5):
        reader, writer = await asyncio.open_connection("127.0.0.1", site.port)
        writer.write(
            (
                f"GET /topics/{topic_id}/events/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {cookie}\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"the event stream was refused: {status!r}")
        streams.append(writer)
    return sockets, streams


def sigterm(site: Site, launcher: subprocess.Popen, topic) -> dict:
    loop = asyncio.new_event_loop()
    sockets, streams = loop.run_until_complete(hold_connections(site, topic.pk))
    family = descendants(launcher.pid) | {launcher.pid}
    started = time.monotonic()
    launcher.send_signal(signal.SIGTERM)
    launcher.wait(timeout=120)
    exited = time.monotonic() - started
    while any(alive(pid) for pid in family) and time.monotonic() - started < 120:
        time.sleep(0.05)
    all_gone = time.monotonic() - started
    port_free = None
    while time.monotonic() - started < 120:
        try:
            socket.create_connection(("127.0.0.1", site.port), timeout=0.2).close()
            time.sleep(0.05)
        except OSError:
            port_free = time.monotonic() - started
            break
    for writer in streams:
        writer.close()
    for connection in sockets:
        with contextlib.suppress(Exception):
            loop.run_until_complete(connection.close())
    loop.close()
    return {
        "processes": len(family),
        "launcher exited after (s)": round(exited, 2),
        "every process gone after (s)": round(all_gone, 2),
        "left running": sum(alive(pid) for pid in family),
        "port free after (s)": round(port_free, 2) if port_free is not None else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    options = parser.parse_args()
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is needed (apt-get install redis-server)")
    redis_port = free_port()
    redis_dir = tempfile.mkdtemp(prefix="faults-redis-")

    def start_redis() -> subprocess.Popen:
        process = subprocess.Popen(
            [
                *("redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", redis_dir),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(redis_port)
        return process

    redis = start_redis()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    from bench.live import setup_django

    setup_django(options.database_url, redis_url, "onlinecityhall.settings")
    poster, board, _readers = seed(1)
    topic = new_topic(poster, board)
    [session] = sessions_for([poster.pk])
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="faults-")) / "launcher.log"
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "DJANGO_LOG_LEVEL": "WARNING"}
    with log.open("wb") as output:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "onlinecityhall.run", "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    site = Site(port, session)
    results = {}
    try:
        wait_for_port(port)
        while site.health().get("status") != "ok":
            time.sleep(0.2)
        outcome = redis_outage(site, redis, start_redis, topic, board)
        redis = outcome.pop("redis")
        results["Redis stopped for 10 s"] = outcome
        database = options.database_url.rsplit("/", 1)[1]
        results["PostgreSQL connections terminated"] = database_blip(site, database, topic)
        results["task worker killed"] = worker_kill(site, launcher, topic)
        results["SIGTERM with 20 sockets and 5 streams open"] = sigterm(site, launcher, topic)
    except Exception as error:  # noqa: BLE001 - report what was measured before the failure
        results["bench step failed"] = {"error": repr(error)}
    finally:
        if launcher.poll() is None:  # a step failed: stop the site, then whatever is left
            family = descendants(launcher.pid)
            launcher.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                launcher.wait(timeout=30)
            for pid in family:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        redis.terminate()
    for name, figures in results.items():
        print(name)
        for key, value in figures.items():
            print(f"  {key}: {value}")
    restarts = log.read_text(errors="replace").count("starting it again")
    print(f"parts restarted by the launcher: {restarts} (launcher log: {log})")


if __name__ == "__main__":
    main()
