"""Processes of the running site die or are stopped while members use it; nothing is lost.

The real launcher (``python -m onlinecityhall.run --workers 2``: uvicorn's master with two
worker processes, and the task worker) serves a database of its own (see ``live_site``).
Members read pages and reply from several threads while a web worker and the task worker are
killed, or while every PostgreSQL connection of the site's database is terminated (a restart, a
failover); afterwards the launcher gets SIGTERM with WebSockets and event streams open. The tests
assert outcomes, never durations: the generous deadlines below only keep a broken site from
hanging the run.
"""

import asyncio
import contextlib
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass

import pytest
import websockets

from onlinecityhall import run
from tests.foundation.live_site import Site, _postgres_url, alive, shell

MEMBERS = 4
GUARD_SECONDS = 120


@pytest.fixture(scope="module")
def site(migrated_site, tmp_path_factory):
    env = migrated_site.copy("faults")
    seeded = shell(
        env, f"from tests.foundation import concurrent_site; concurrent_site.seed({MEMBERS})"
    )
    site = Site(env, tmp_path_factory.mktemp("faults") / "site.log", workers=2)
    site.seeded = seeded
    try:
        site.start()
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="module")
def blip_site(migrated_site, tmp_path_factory):
    """A second site of the same shape, whose database connections are cut."""
    env = migrated_site.copy("blip")
    seeded = shell(
        env, f"from tests.foundation import concurrent_site; concurrent_site.seed({MEMBERS})"
    )
    site = Site(env, tmp_path_factory.mktemp("blip") / "site.log", workers=2)
    site.seeded = seeded
    try:
        site.start()
        yield site
    finally:
        site.stop()


@dataclass
class Visit:
    """One request of a member: when it started and ended, and what came back."""

    started: float
    ended: float
    what: str
    status: int
    body: str = ""


class Members:
    """Members reading the topic and the board list and replying, each in a thread of its own,
    until stopped."""

    def __init__(self, site: Site):
        self.site, self.visits, self.lock = site, [], threading.Lock()
        self.stopping = threading.Event()
        topic = site.seeded["topic"]
        self.threads = [
            threading.Thread(target=self._visit, args=(index, session, topic), daemon=True)
            for index, session in enumerate(site.seeded["sessions"])
        ]

    def _visit(self, index: int, session: str, topic: int) -> None:
        number = 0
        while not self.stopping.is_set():
            for what in ("topic", "boards", "reply"):
                started = time.monotonic()
                body = ""
                if what == "reply":
                    body = f"{index}番の{number}件目"
                    number += 1
                    status, _location = self.site.reply(topic, session, body)
                else:
                    path = f"/topics/{topic}/" if what == "topic" else "/boards/"
                    status = self.site.request(path, session)
                with self.lock:
                    self.visits.append(Visit(started, time.monotonic(), what, status, body))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=GUARD_SECONDS)

    def answered_since(self, moment: float) -> int:
        with self.lock:
            return sum(visit.started > moment and visit.status for visit in self.visits)


def _wait_for(condition, what: str):
    deadline = time.monotonic() + GUARD_SECONDS
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting: {what}")


def _kill(pid: int) -> None:
    """SIGKILL, then wait until the process is really gone."""
    os.kill(pid, signal.SIGKILL)
    _wait_for(lambda: not alive(pid), f"process {pid} to die")


def test_a_killed_web_worker_and_task_worker_cost_only_the_requests_in_flight(site):
    web_workers = _wait_for(lambda: len(found := site.web_workers()) == 2 and found, "2 workers")
    task_worker = site.task_worker()
    with Members(site) as members:
        _wait_for(lambda: members.answered_since(0) >= 3 * MEMBERS, "members to get going")
        killed_at = time.monotonic()
        victim = min(web_workers)
        _kill(victim)
        _kill(task_worker)
        gone_at = time.monotonic()
        # uvicorn starts a new web worker and the launcher a new task worker; members keep
        # going until both are back and have served a few more rounds.
        _wait_for(lambda: len(site.web_workers() - {victim}) == 2, "a new web worker")
        _wait_for(lambda: site.task_worker() not in (None, task_worker), "a new task worker")
        back_at = time.monotonic()
        _wait_for(lambda: members.answered_since(back_at) >= 3 * MEMBERS, "rounds after")
    tasks = site.wait_for_empty_queue()

    # In flight at the kill: started before the worker was gone and answered after the kill.
    # Those may have failed (their connection reset); nothing else may.
    failed = [visit for visit in members.visits if visit.status not in (200, 302)]
    in_flight = [v for v in failed if v.started <= gone_at and v.ended >= killed_at]
    assert failed == in_flight, failed
    assert all(visit.status == 0 for visit in in_flight)  # a reset, never a 5xx
    assert tasks["queue_depth"] == 0 and tasks["failed"] == 0
    assert site.request("/boards/", site.seeded["sessions"][0]) == 200

    # Every reply that was answered is saved once; one in flight is saved at most once.
    outcome = shell(
        site.env,
        "from tests.foundation import concurrent_site; "
        f"concurrent_site.report({site.seeded['topic']}, bodies=True)",
    )
    saved = outcome["bodies"]
    answered = [v.body for v in members.visits if v.what == "reply" and v.status == 302]
    assert all(saved.count(body) == 1 for body in answered)
    assert len(saved) == len(set(saved))
    assert outcome["posts"] == outcome["post_count"] == outcome["board_post_count"]
    assert outcome["numbers"] == list(range(1, outcome["posts"] + 1))
    # The watchers were told up to the latest reply, by the new task worker.
    assert outcome["untold_watchers"] == []


def _terminate_database_connections(site: Site) -> int:
    """Terminate every backend of the site's own database (never another database's)."""
    import psycopg

    with psycopg.connect(site.env["DATABASE_URL"], autocommit=True) as admin:
        return admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


@pytest.mark.skipif(not _postgres_url(), reason="needs PostgreSQL (DATABASE_URL)")
def test_terminated_database_connections_cost_only_the_requests_in_flight(blip_site):
    site = blip_site
    with Members(site) as members:
        _wait_for(lambda: members.answered_since(0) >= 3 * MEMBERS, "members to get going")
        cut_at = time.monotonic()
        terminated = _terminate_database_connections(site)
        cut_done = time.monotonic()
        # The web workers' pools and the task worker reconnect by themselves.
        _wait_for(lambda: members.answered_since(cut_done) >= 3 * MEMBERS, "rounds after")
    tasks = site.wait_for_empty_queue()

    assert terminated >= 1
    # Only a request that was using a connection as it was cut may have failed.
    failed = [visit for visit in members.visits if visit.status not in (200, 302)]
    assert all(v.started <= cut_done and v.ended >= cut_at for v in failed), failed
    assert tasks["queue_depth"] == 0
    assert site.launcher.poll() is None  # the launcher and its parts kept running
    assert site.request("/boards/", site.seeded["sessions"][0]) == 200
    outcome = shell(
        site.env,
        "from tests.foundation import concurrent_site; "
        f"concurrent_site.report({site.seeded['topic']}, bodies=True)",
    )
    answered = [v.body for v in members.visits if v.what == "reply" and v.status == 302]
    assert all(outcome["bodies"].count(body) == 1 for body in answered)
    assert outcome["posts"] == outcome["post_count"] == outcome["board_post_count"]


async def _open_connections(site: Site, sockets: int, streams: int):
    session = site.seeded["sessions"][0]
    topic = site.seeded["topic"]
    cookie = f"sessionid={session}"
    opened_sockets = [
        await websockets.connect(
            f"ws://127.0.0.1:{site.port}/ws/topics/{topic}/",
            additional_headers={"Cookie": cookie},
            origin=f"http://127.0.0.1:{site.port}",
        )
        for _ in range(sockets)
    ]
    opened_streams = []
    for _ in range(streams):
        reader, writer = await asyncio.open_connection("127.0.0.1", site.port)
        writer.write(
            f"GET /topics/{topic}/events/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: {cookie}\r\n\r\n".encode()
        )
        await writer.drain()
        status = await reader.readline()
        assert b" 200 " in status, status
        opened_streams.append((reader, writer))
    return opened_sockets, opened_streams


async def _told_to_close(connection) -> int | None:
    """The close code the server sent the socket (None when it just vanished)."""
    with contextlib.suppress(websockets.ConnectionClosed):
        while True:
            await connection.recv()
    return connection.close_code if connection.protocol.close_rcvd is not None else None


async def _stream_ended(reader) -> bool:
    """Whether the server ended the event stream properly: the response's last chunk came
    before the connection closed (a stream cut off at the end of the graceful shutdown has
    none)."""
    data = b""
    with contextlib.suppress(ConnectionError):
        while chunk := await reader.read(65536):
            data += chunk
    return data.endswith(b"\r\n0\r\n\r\n")


def test_sigterm_stops_every_process_and_closes_open_sockets(site):
    launcher = site.launcher
    everything = site.left_running()
    assert launcher.pid in everything and len(everything) >= 5  # launcher, uvicorn ×3, worker

    async def scenario():
        sockets, streams = await _open_connections(site, sockets=6, streams=3)
        launcher.send_signal(signal.SIGTERM)
        closes = await asyncio.wait_for(
            asyncio.gather(*(_told_to_close(connection) for connection in sockets)),
            timeout=run.STOP_TIMEOUT_SECONDS + GUARD_SECONDS,
        )
        ended = await asyncio.wait_for(
            asyncio.gather(*(_stream_ended(reader) for reader, _writer in streams)),
            timeout=run.STOP_TIMEOUT_SECONDS + GUARD_SECONDS,
        )
        for _reader, writer in streams:
            writer.close()
        return closes, ended

    closes, ended = asyncio.run(scenario())
    # The launcher exits within its stop timeout (a bound of the design, not a measurement).
    status = launcher.wait(timeout=run.STOP_TIMEOUT_SECONDS + GUARD_SECONDS)

    assert status == 0
    assert closes == [1012] * len(closes), closes  # "service restart": reconnect later
    assert all(ended)
    _wait_for(lambda: not site.left_running(), "every process of the site to exit")
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", site.port), timeout=2):
        pass  # nothing listens on the port any more
    assert "Traceback" not in site.log(), site.log()[-5000:]
