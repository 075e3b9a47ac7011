"""The ASGI server under test and the clients that time it (bench/pages.py).

The server is uvicorn with its workers in a process group of its own, so that stopping it stops
every worker; the clients are plain keep-alive ``http.client`` connections, one per simulated
member, timing each request from sending it to the last byte of the response.
"""

import contextlib
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class BenchError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``uvicorn onlinecityhall.asgi:application`` with ``workers`` processes on a free port."""

    def __init__(self, environment: dict[str, str], workers: int = 2):
        self.environment = environment
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open while serving
            prefix="bench-pages-uvicorn-", suffix=".log", delete=False
        )

    def __enter__(self) -> "Server":
        command = [
            sys.executable, "-m", "uvicorn", "onlinecityhall.asgi:application",
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
            "--no-access-log", "--no-server-header", "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **self.environment},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches every worker
        )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"uvicorn exited at start:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status == 200:
                    # Every worker must be up, not just the first one that answered.
                    time.sleep(1.5)
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchError(f"uvicorn did not answer /healthz within {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=5)
        # Workers that outlived the supervisor are in the same group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)

    def cpu_seconds(self, database_pids: list[int]) -> tuple[float, float]:
        """CPU time used so far by this server's processes and by the given PostgreSQL
        backends: unlike wall time, it hardly moves when other work shares the CPUs."""
        group = os.getpgid(self.process.pid)
        server = database = 0.0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
            if int(fields[2]) == group:  # pgrp
                server += used
            elif int(entry.name) in database_pids:
                database += used
        return server, database

    def log_tail(self, lines: int = 40) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


class Client:
    """One signed-in member on one keep-alive connection."""

    def __init__(self, port: int, cookies: dict[str, str]):
        self.port = port
        self.cookies = dict(cookies)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.csrf_form_token = ""

    def request(self, method: str, path: str, body: bytes | None = None):
        headers = {
            "Host": "127.0.0.1",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            "Accept-Language": "ja",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, ConnectionError):
            # The server closed an idle keep-alive connection: reconnect and count it.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            started = time.perf_counter()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, data, elapsed

    def prepare_reply(self, topic_path: str) -> None:
        """Read the form's CSRF token (and get the cookie) from the topic page."""
        response, data, _elapsed = self.request("GET", topic_path)
        match = CSRF_FIELD.search(data)
        if response.status != 200 or match is None:
            raise BenchError(f"No reply form on {topic_path} (HTTP {response.status})")
        self.csrf_form_token = match.group(1).decode()

    def reply_body(self, text: str) -> bytes:
        return urlencode(
            {
                "csrfmiddlewaretoken": self.csrf_form_token,
                "body": text,
                "submission_token": uuid.uuid4().hex,  # each reply is a new submission
                "reply_to": "",
                "post": "",
            }
        ).encode()


@dataclass
class Page:
    key: str
    name: str
    path: str
    method: str = "GET"
    expect: int = 200
    check: bytes | None = None  # must appear in the body
    absent: bytes | None = None  # must not appear in the body
    # The better p95 (ms; 1 client, 4 clients) peer forums measured on the same data shape.
    peer_p95: tuple[float, float] | None = None
    target: float = 50.0  # absolute p95 target, ms
    as_moderator: bool = False  # requested by the moderators' clients, not the readers'
    queries: int | None = None
    writes: int | None = None
    size: int = 0
    timings: dict[str, list[float]] = field(default_factory=dict)
    cpu: tuple[float, float] | None = None  # ms per request: server processes, PostgreSQL


@dataclass
class Job:
    """What each client sends for a page; replies need a body made per request."""

    page: Page
    reply_text: object = None  # callable returning the Japanese text of a reply

    def send(self, client: Client):
        if self.page.method == "POST":
            body = client.reply_body(self.reply_text())
            response, data, elapsed = client.request("POST", self.page.path, body)
        else:
            response, data, elapsed = client.request("GET", self.page.path)
        if response.status != self.page.expect:
            location = response.getheader("Location", "")
            raise BenchError(
                f"{self.page.name}: HTTP {response.status} (expected {self.page.expect}) "
                f"for {self.page.path} {location}"
            )
        return data, elapsed


def verify(job: Job, client: Client) -> None:
    data, _elapsed = job.send(client)
    page = job.page
    if page.check is not None and page.check not in data:
        raise BenchError(f"{page.name}: {page.check!r} not in the page")
    if page.absent is not None and page.absent in data:
        raise BenchError(f"{page.name}: {page.absent!r} should not be in the page")
    page.size = max(page.size, len(data))


def run_sequential(job: Job, client: Client, count: int, warmup: int, deadline: float):
    for _ in range(warmup):
        job.send(client)
    timings = []
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        timings.append(job.send(client)[1])
    return timings


def run_concurrent(job: Job, clients: list[Client], count: int, warmup: int, deadline: float):
    """``count`` requests in all, spread over the clients, all starting together."""
    per_client = max(1, count // len(clients))
    barrier = threading.Barrier(len(clients))
    results: list[list[float]] = [[] for _ in clients]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            for _ in range(warmup):
                job.send(clients[index])
            barrier.wait(timeout=120)
            for _ in range(per_client):
                if time.monotonic() > deadline:
                    break
                results[index].append(job.send(clients[index])[1])
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    timings = [value for result in results for value in result]
    return timings, (len(timings) / wall if wall else 0.0)


def run_interleaved(job: Job, clients: dict, count: int, warmup: int, deadline: float) -> dict:
    """The same requests against several servers, alternating between them request by request
    (the order flips every round), so that background load weighs on each alike. ``clients``
    maps a server's label to its clients; thread i drives client i of every server."""
    labels = list(clients)
    width = len(clients[labels[0]])
    per_thread = max(1, count // width)
    results = {label: [[] for _ in range(width)] for label in labels}
    errors: list[BaseException] = []
    barrier = threading.Barrier(width)

    def work(index: int) -> None:
        try:
            for label in labels:
                for _ in range(warmup):
                    job.send(clients[label][index])
            barrier.wait(timeout=120)
            for round_number in range(per_thread):
                if time.monotonic() > deadline:
                    break
                order = labels if round_number % 2 == 0 else labels[::-1]
                for label in order:
                    results[label][index].append(job.send(clients[label][index])[1])
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(width)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return {label: [value for part in parts for value in part] for label, parts in results.items()}


def run_alternating(jobs: dict, clients: list, count: int, warmup: int, deadline: float) -> dict:
    """Several pages on one server, alternating request by request (the order flips every
    round), so that background load weighs on each page alike. ``jobs`` maps a label to its
    job; each client runs in a thread of its own; ``count`` requests per page in all."""
    labels = list(jobs)
    per_client = max(1, count // len(clients))
    results = {label: [[] for _ in clients] for label in labels}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(clients))

    def work(index: int) -> None:
        try:
            for label in labels:
                for _ in range(warmup):
                    jobs[label].send(clients[index])
            barrier.wait(timeout=120)
            for round_number in range(per_client):
                if time.monotonic() > deadline:
                    break
                order = labels if round_number % 2 == 0 else labels[::-1]
                for label in order:
                    results[label][index].append(jobs[label].send(clients[index])[1])
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return {label: [value for part in parts for value in part] for label, parts in results.items()}


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "mean": statistics.fmean(values) if values else float("nan"),
        "max": max(values) if values else float("nan"),
    }
