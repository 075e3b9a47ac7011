"""Live push benchmark: how fast a reply reaches N open topic pages, against a bare fan-out.

    .venv/bin/python bench/live.py                          # 100 and 1,000 clients, 20 replies
    .venv/bin/python bench/live.py --clients 1000 --pushes 20 --workers 2

On PostgreSQL (database och_bench_live, created and migrated if missing) and Redis (database 7,
so that nothing else's groups mix in), for each client count:

1. the product: a fresh topic on a seeded open board; ``--workers`` uvicorn processes on separate
   ports (no balancer, clients split evenly), debug off as deployed; N signed-in readers
   (sessions written straight into the database) open ``/ws/topics/<id>/?since=<sequence>``
   with their session cookie and Origin; a poster replies ``--pushes`` times through the real
   reply form (CSRF and all). Latency: from just before the POST to the ``post.created`` event
   at each socket. A socket that has not had a reply within 10 s lost it.
2. the floor: bench/_bare_fanout.py on the same number of uvicorn processes with the same
   channel layer and payload: one ``group_send`` per push, no database, rendering or auth.

With ``--case conversations``: ``--conversations`` (500) two-person private conversations
active at once, both participants of each connected to ``/ws/conversations/<id>/?since=0``; one
message is sent in each conversation (``--rounds`` times) through the real message form, paced
``--message-interval`` apart from several threads, and the floor is the same number of two-socket
rooms on the bare fan-out (``/ws/<room>/``, one ``group_send`` per message to its room).
Latency runs from just before the POST to the ``message.created`` event at each of the two
sockets (the sender's own page included); also printed: how long each POST took to be
answered, and the delay from the message's write (``created_at`` in the event's HTML) to each
socket.

Memory per idle connection is the growth of the servers' resident memory (VmRSS) from a warmed-up
idle server to one holding every socket, divided by N. Server logs are scanned for errors.
Everything runs under an overall timeout and the servers are stopped whatever happens.
"""

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/och_bench_live"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
# Extra uvicorn options for every server of a run, product and bare alike (--server-args).
SERVER_ARGS: list[str] = []
MARKER = re.compile(r"benchlive-(\d+)-end")
LOST_AFTER = 10.0
CONNECT_CONCURRENCY = 50
# Unindented lines that name a problem: log records and the last line of a traceback.
PROBLEM_LINE = re.compile(r"(ERROR|CRITICAL|WARNING|[\w.]*(Error|Exception|StopConsumer)\b)")
REPLY_TEXT = (
    "うちの市では、接種券の再発行は窓口と郵送の両方で受け付けています。"
    "郵送の場合は本人確認書類の写しを同封してもらい、届いた翌営業日に発送しています。"
    "転入者の場合は前住所地での接種履歴を確認してから発行するので、少し時間がかかります。"
)


# --- Database ----------------------------------------------------------------------------------


# The product's servers run as a deployed site does, with debug off: debug records every query
# and keeps template debugging data, which costs CPU a deployment never pays.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-live-not-a-secret-only-for-the-benchmark-database-0123456789",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SSL_REDIRECT": "0",
}


def setup_django(database_url: str, redis_url: str, settings_module: str) -> None:
    os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url, **PRODUCTION)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    sys.path.insert(0, str(ROOT))
    name = database_url.rsplit("/", 1)[1]
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True, check=False
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", interactive=False, verbosity=0)  # debug off serves the manifest


def seed(readers: int):
    """The board, the poster (a member) and at least ``readers`` verified readers."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from forums.models import Board, Membership, WorkField

    work_field, _ = WorkField.objects.get_or_create(
        slug="bench-live", defaults={"name_ja": "ベンチ", "name_en": "Bench"}
    )
    board, _ = Board.objects.get_or_create(
        slug="bench-live",
        defaults={"name_ja": "ライブ計測", "name_en": "Live bench", "field": work_field},
    )
    password = make_password("bench-live-password")
    poster, _ = User.objects.get_or_create(
        email="poster@bench-live.lg.jp",
        defaults={
            "full_name": "投稿 太郎",
            "display_name": "投稿者",
            "status": User.Status.VERIFIED,
            "password": password,
        },
    )
    Membership.objects.get_or_create(user=poster, board=board)
    existing = User.objects.filter(email__startswith="reader").count()
    User.objects.bulk_create(
        User(
            email=f"reader{number}@bench-live.lg.jp",
            full_name=f"読者 {number}号",
            display_name=f"読者{number}",
            status=User.Status.VERIFIED,
            password=password,
        )
        for number in range(existing, readers)
    )
    reader_ids = list(
        User.objects.filter(email__startswith="reader").order_by("pk").values_list("pk", flat=True)
    )
    return poster, board, reader_ids[:readers]


def sessions_for(user_ids: list[int]) -> list[str]:
    """A signed-in session per user, written straight into the session table."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    expires = timezone.now() + timedelta(days=1)
    users = User.objects.in_bulk(user_ids)
    rows, keys = [], []
    for user_id in user_ids:
        data = {
            SESSION_KEY: str(user_id),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: users[user_id].get_session_auth_hash(),
        }
        key = secrets.token_hex(16)
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def new_topic(poster, board):
    from forums import services

    topic = services.create_topic(
        poster, board, "ライブ更新の計測", "接種券の再発行はどうしていますか？"
    )
    topic.refresh_from_db()
    return topic


# --- Servers -----------------------------------------------------------------------------------


STARTED: list[subprocess.Popen] = []  # every server, so that main() can stop stragglers


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_servers(kind: str, count: int, env: dict, log_dir: Path, label: str) -> list[Server]:
    servers = []
    for index in range(count):
        port = free_port()
        command = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--no-access-log"]
        if kind == "product":
            # As the site's launcher serves it (onlinecityhall.run): without per-message
            # compression unless WS_PER_MESSAGE_DEFLATE=1. The bare fan-out keeps uvicorn's
            # defaults, as a Channels app served by plain uvicorn has them.
            from onlinecityhall.run import websocket_options

            command += websocket_options()
        command += SERVER_ARGS
        if kind == "bare":
            command += [
                "--app-dir",
                str(ROOT / "bench"),
                "--lifespan",
                "off",
                "_bare_fanout:application",
            ]
        else:
            command += ["onlinecityhall.asgi:application"]
        log = log_dir / f"{label}-{index}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        STARTED.append(process)
        servers.append(Server(process, port, log))
    for server in servers:
        wait_until_ready(server, "/healthz" if kind == "product" else "/")
    return servers


def wait_until_ready(server: Server, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server on {server.port} exited: {server.log.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {server.port} did not become ready")


def stop_servers(servers: list[Server]) -> None:
    for server in servers:
        if server.process.poll() is None:
            server.process.terminate()
    for server in servers:
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


def resident_kib(servers: list[Server]) -> int:
    total = 0
    for server in servers:
        status = Path(f"/proc/{server.process.pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    return total


def cpu_seconds(servers: list[Server]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for server in servers:
        fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def log_problems(servers: list[Server]) -> Counter:
    """Errors and warnings in the servers' logs, by kind (the last line of each traceback)."""
    found = Counter()
    for server in servers:
        for line in server.log.read_text(errors="replace").splitlines():
            if PROBLEM_LINE.match(line) and not line.startswith(("Traceback", "During")):
                found[re.sub(r"\d+", "N", line.strip())[:150]] += 1
    return found


# --- Pushes ------------------------------------------------------------------------------------


def reply_through_form(port: int, session: str, topic_id: int, number: int) -> tuple[float, int]:
    """GET the topic page for the CSRF token, then POST the reply form; returns (start, status),
    start taken just before the POST."""
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    page.request("GET", f"/topics/{topic_id}/", headers={"Cookie": cookie})
    answer = page.getresponse()
    html = answer.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission_token" value="([^"]*)"', html)
    form = {
        "csrfmiddlewaretoken": token,
        "submission_token": submission.group(1) if submission else uuid.uuid4().hex,
        "body": f"{REPLY_TEXT} benchlive-{number}-end",
    }
    origin = f"http://127.0.0.1:{port}"
    headers = {
        "Cookie": f"{cookie}; csrftoken={csrf_cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": origin,
        "Referer": origin + f"/topics/{topic_id}/",
    }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urllib.parse.urlencode(form)
    start = time.perf_counter()
    connection.request("POST", f"/topics/{topic_id}/reply/", body=body, headers=headers)
    status = connection.getresponse().status
    return start, status


def bare_push(port: int, html: str, number: int) -> tuple[float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = MARKER.sub(f"benchlive-{number}-end", html).encode()
    start = time.perf_counter()
    connection.request("POST", f"/push/{number}/", body=body)
    return start, connection.getresponse().status


# --- Clients -----------------------------------------------------------------------------------


@dataclass
class Run:
    clients: int
    pushes: int
    received: list[dict] = field(default_factory=list)  # per push: client index -> seconds
    started: list[float] = field(default_factory=list)
    answered: list[float] = field(default_factory=list)  # POST response times, seconds
    duplicates: int = 0
    connect_failures: int = 0
    sample: str = ""
    closed_early: dict = field(default_factory=dict)  # client index -> close code
    finished: bool = False

    def __post_init__(self):
        self.received = [{} for _ in range(self.pushes)]

    def heard(self, client: int, raw: str) -> None:
        now = time.perf_counter()
        match = MARKER.search(raw)
        if match is None or '"post.created"' not in raw:
            return
        number = int(match.group(1))
        if number >= self.pushes:
            return
        if client in self.received[number]:
            self.duplicates += 1
            return
        self.received[number][client] = now
        if not self.sample:
            self.sample = raw

    def latencies_ms(self) -> list[float]:
        return [
            (arrival - self.started[number]) * 1000
            for number, arrivals in enumerate(self.received[: len(self.started)])
            for arrival in arrivals.values()
            if arrival - self.started[number] <= LOST_AFTER
        ]

    def spread_ms(self) -> list[float]:
        """Per push, first socket to last socket: the fan-out part of the latency."""
        return [
            (max(arrivals.values()) - min(arrivals.values())) * 1000
            for arrivals in self.received
            if arrivals
        ]

    def lost(self) -> int:
        return self.clients * len(self.started) - len(self.latencies_ms())

    def complete(self) -> bool:
        return all(len(arrivals) == self.clients for arrivals in self.received)


async def connect_all(targets: list[tuple[str, dict]], run: Run) -> list:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def connect(url: str, headers: dict):
        async with gate:
            try:
                return await websockets.connect(
                    url, additional_headers=headers, open_timeout=60, ping_interval=None
                )
            except (OSError, websockets.WebSocketException, TimeoutError):
                run.connect_failures += 1
                return None

    return await asyncio.gather(*(connect(url, headers) for url, headers in targets))


async def listen(client: int, connection, run: Run) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for raw in connection:
            run.heard(client, raw if isinstance(raw, str) else raw.decode())
    if not run.finished:
        run.closed_early[client] = connection.close_code


async def close_all(connections: list) -> None:
    async def close(connection):
        with contextlib.suppress(Exception):
            await asyncio.wait_for(connection.close(), 5)

    await asyncio.gather(*(close(connection) for connection in connections if connection))


@dataclass
class Result:
    app: str
    run: Run
    kib_per_connection: float
    cpu_seconds: float
    problems: Counter
    statuses: list[int]
    load: float


async def measure(
    app: str, servers: list[Server], targets: list[tuple[str, dict]], push, args
) -> Result:
    """Warm up, connect every client, push ``args.pushes`` times and wait for the arrivals."""
    run = Run(clients=len(targets), pushes=args.pushes)
    load = os.getloadavg()[0]
    warm = await connect_all(targets[: min(10, len(targets))], Run(clients=0, pushes=0))
    await close_all(warm)
    await asyncio.sleep(1)
    before = resident_kib(servers)
    connections = await connect_all(targets, run)
    listeners = [
        asyncio.create_task(listen(client, connection, run))
        for client, connection in enumerate(connections)
        if connection is not None
    ]
    try:
        await asyncio.sleep(2)
        after = resident_kib(servers)
        cpu_before = cpu_seconds(servers)
        statuses = []
        for number in range(args.pushes):
            start, status = await asyncio.to_thread(push, number)
            run.answered.append(time.perf_counter() - start)
            run.started.append(start)
            statuses.append(status)
            await asyncio.sleep(max(0.0, start + args.interval - time.perf_counter()))
        deadline = run.started[-1] + LOST_AFTER
        while not run.complete() and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        cpu = cpu_seconds(servers) - cpu_before
    finally:
        run.finished = True
        await close_all(connections)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    kib = (after - before) / max(1, len(targets) - run.connect_failures)
    return Result(app, run, kib, cpu, Counter(), statuses, load)


# --- One client count ---------------------------------------------------------------------------


def forget_channel_layer_keys(redis_url: str) -> None:
    """Groups left behind by an interrupted run would receive every push too."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter("asgi*"))
    if keys:
        client.delete(*keys)
    client.close()


def server_env(args) -> dict:
    from django.conf import settings

    return {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        **PRODUCTION,
        "DJANGO_SETTINGS_MODULE": args.settings,
        "BENCH_CHANNEL_LAYERS": json.dumps(settings.CHANNEL_LAYERS),
        "PYTHONUNBUFFERED": "1",
    }


def prepare(clients: int):
    """A fresh topic, the poster's session and one session per reader (Django ORM, no loop)."""
    poster, board, reader_ids = seed(clients)
    topic = new_topic(poster, board)
    poster_session, *sessions = sessions_for([poster.pk, *reader_ids])
    return topic, poster_session, sessions


async def product_run(clients: int, args, log_dir: Path) -> Result:
    from django.conf import settings

    topic, poster_session, sessions = await asyncio.to_thread(prepare, clients)
    forget_channel_layer_keys(args.redis_url)
    servers = start_servers(
        "product", args.workers, server_env(args), log_dir, f"product-{clients}"
    )
    try:
        targets = []
        for client, session in enumerate(sessions):
            port = servers[client % len(servers)].port
            url = f"ws://127.0.0.1:{port}/ws/topics/{topic.pk}/?since={topic.event_sequence}"
            headers = {
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
                "Origin": f"http://127.0.0.1:{port}",
            }
            targets.append((url, headers))

        def push(number: int):
            port = servers[number % len(servers)].port
            return reply_through_form(port, poster_session, topic.pk, number)

        result = await measure("product", servers, targets, push, args)
    finally:
        stop_servers(servers)
    result.problems = log_problems(servers)
    return result


async def bare_run(clients: int, args, log_dir: Path, html: str) -> Result:
    forget_channel_layer_keys(args.redis_url)
    servers = start_servers("bare", args.workers, server_env(args), log_dir, f"bare-{clients}")
    try:
        targets = []
        for client in range(clients):
            port = servers[client % len(servers)].port
            targets.append((f"ws://127.0.0.1:{port}/ws/", {"Origin": f"http://127.0.0.1:{port}"}))

        def push(number: int):
            return bare_push(servers[number % len(servers)].port, html, number)

        result = await measure("bare", servers, targets, push, args)
    finally:
        stop_servers(servers)
    result.problems = log_problems(servers)
    return result


def html_of(sample: str) -> str:
    """The product's event HTML, to send the same bytes through the bare fan-out."""
    if sample:
        return json.loads(sample)["html"]
    return f"<article>{'x' * 2000} benchlive-0-end</article>"


# --- Conversations case ------------------------------------------------------------------------

CONVERSATION_MARKER = re.compile(r"benchconv-(\d+)-end")
WRITTEN_AT = re.compile(r'<time datetime=\\"([^"\\]+)\\"')
MESSAGE_TEXT = (
    "委託契約書案の第12条（違約金）ですが、当市では契約金額の100分の10としています。"
    "再委託先の事由も含めるかは、仕様書の記載と合わせて確認したほうがよいと思います。"
)


def prepare_conversations(count: int):
    """``count`` two-person conversations between readers, made directly in the database,
    each with its first participant's session and CSRF-ready sender."""
    from accounts.models import User
    from conversations.models import Conversation, Participant

    _poster, _board, reader_ids = seed(2 * count)
    users = User.objects.in_bulk(reader_ids)
    conversations = Conversation.objects.bulk_create(
        Conversation(
            title="ライブ計測",
            starter=users[reader_ids[2 * index]],
            manager=users[reader_ids[2 * index]],
        )
        for index in range(count)
    )
    Participant.objects.bulk_create(
        Participant(conversation=conversation, user_id=reader_ids[2 * index + side])
        for index, conversation in enumerate(conversations)
        for side in (0, 1)
    )
    sessions = sessions_for(reader_ids[: 2 * count])
    return [conversation.pk for conversation in conversations], sessions


def csrf_for(port: int, session: str, path: str) -> tuple[str, str]:
    """The CSRF cookie and form token of a page, fetched once per sender before timing."""
    from django.conf import settings

    page = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    page.request("GET", path, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
    answer = page.getresponse()
    html = answer.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookie, token


def send_through_form(port, session, csrf, conversation_id: int, number: int):
    from django.conf import settings

    cookie, token = csrf
    origin = f"http://127.0.0.1:{port}"
    path = f"/conversations/{conversation_id}/"
    form = {
        "csrfmiddlewaretoken": token,
        "submission_token": uuid.uuid4().hex,
        "body": f"{MESSAGE_TEXT} benchconv-{number}-end",
    }
    headers = {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": origin,
        "Referer": origin + path,
    }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = urllib.parse.urlencode(form)
    start = time.perf_counter()
    connection.request("POST", path + "messages/", body=body, headers=headers)
    status = connection.getresponse().status
    return start, status, time.perf_counter() - start


def bare_room_push(port: int, html: str, room: int, number: int):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = CONVERSATION_MARKER.sub(f"benchconv-{number}-end", html).encode()
    start = time.perf_counter()
    connection.request("POST", f"/push/{number}/{room}/", body=body)
    status = connection.getresponse().status
    return start, status, time.perf_counter() - start


@dataclass
class RoomRun:
    """Messages to two-socket rooms: each message is expected at the two sockets of its room."""

    messages: int
    received: dict = field(default_factory=dict)  # number -> {client: arrival}
    started: dict = field(default_factory=dict)  # number -> POST start
    statuses: list = field(default_factory=list)
    answered: list = field(default_factory=list)  # seconds from the POST to its answer
    since_write: list = field(default_factory=list)  # ms from the message's write (product)
    duplicates: int = 0
    connect_failures: int = 0
    sample: str = ""
    finished: bool = False

    def heard(self, client: int, raw: str) -> None:
        now = time.perf_counter()
        wall = time.time()
        match = CONVERSATION_MARKER.search(raw)
        if match is None or '"message.created"' not in raw:
            return
        arrivals = self.received.setdefault(int(match.group(1)), {})
        if client in arrivals:
            self.duplicates += 1
            return
        arrivals[client] = now
        self.sample = self.sample or raw
        # The product's message HTML carries the moment it was written (``created_at``, set
        # inside the writing transaction); the bare fan-out's copy of it is stale.
        written = WRITTEN_AT.search(raw)
        if written:
            moment = datetime.fromisoformat(written.group(1).replace("\\", "")).timestamp()
            self.since_write.append((wall - moment) * 1000)

    def latencies_ms(self) -> list[float]:
        return [
            (arrival - self.started[number]) * 1000
            for number, arrivals in self.received.items()
            if number in self.started
            for arrival in arrivals.values()
            if arrival - self.started[number] <= LOST_AFTER
        ]

    def lost(self) -> int:
        return 2 * len(self.started) - len(self.latencies_ms())

    def complete(self) -> bool:
        return all(len(self.received.get(number, {})) == 2 for number in self.started)


async def measure_rooms(servers, targets, push, args) -> tuple[RoomRun, float, float]:
    """Connect every socket, send ``args.rounds`` messages per room, paced and overlapping."""
    rooms = len(targets) // 2
    run = RoomRun(messages=rooms * args.rounds)
    warm = await connect_all(targets[: min(10, len(targets))], Run(clients=0, pushes=0))
    await close_all(warm)
    await asyncio.sleep(1)
    before = resident_kib(servers)
    counter = Run(clients=0, pushes=0)
    connections = await connect_all(targets, counter)
    run.connect_failures = counter.connect_failures

    async def listen_room(client, connection):
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in connection:
                run.heard(client, raw if isinstance(raw, str) else raw.decode())

    listeners = [
        asyncio.create_task(listen_room(client, connection))
        for client, connection in enumerate(connections)
        if connection is not None
    ]
    gate = asyncio.Semaphore(args.senders)

    async def send(number: int):
        async with gate:
            start, status, answered = await asyncio.to_thread(push, number % rooms, number)
            run.started[number] = start
            run.statuses.append(status)
            run.answered.append(answered)

    try:
        await asyncio.sleep(2)
        after = resident_kib(servers)
        cpu_before = cpu_seconds(servers)
        began = time.perf_counter()
        sends = []
        for number in range(run.messages):
            await asyncio.sleep(
                max(0.0, began + number * args.message_interval - time.perf_counter())
            )
            sends.append(asyncio.create_task(send(number)))
        await asyncio.gather(*sends)
        deadline = max(run.started.values()) + LOST_AFTER
        while not run.complete() and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        cpu = cpu_seconds(servers) - cpu_before
    finally:
        run.finished = True
        await close_all(connections)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    kib = (after - before) / max(1, len(targets) - run.connect_failures)
    return run, kib, cpu


async def conversations_case(args, log_dir: Path) -> None:
    from django.conf import settings

    count = args.conversations
    print(
        f"{count:,} two-person conversations ({2 * count:,} sockets), {args.rounds} message(s)"
        f" each, one every {args.message_interval * 1000:.0f} ms, {args.workers} workers …",
        flush=True,
    )
    conversation_ids, sessions = await asyncio.to_thread(prepare_conversations, count)
    results = {}
    forget_channel_layer_keys(args.redis_url)
    servers = start_servers("product", args.workers, server_env(args), log_dir, "conv-product")
    try:
        targets = []
        for index, conversation_id in enumerate(conversation_ids):
            port = servers[index % len(servers)].port
            for side in (0, 1):
                headers = {
                    "Cookie": f"{settings.SESSION_COOKIE_NAME}={sessions[2 * index + side]}",
                    "Origin": f"http://127.0.0.1:{port}",
                }
                url = f"ws://127.0.0.1:{port}/ws/conversations/{conversation_id}/?since=0"
                targets.append((url, headers))
        tokens = [
            csrf_for(
                servers[index % len(servers)].port,
                sessions[2 * index],
                f"/conversations/{conversation_id}/",
            )
            for index, conversation_id in enumerate(conversation_ids)
        ]

        def push(room: int, number: int):
            port = servers[room % len(servers)].port
            return send_through_form(
                port, sessions[2 * room], tokens[room], conversation_ids[room], number
            )

        results["product"] = (*await measure_rooms(servers, targets, push, args), servers)
    finally:
        stop_servers(servers)
    sample = results["product"][0].sample
    html = (
        json.loads(sample)["html"] if sample else f"<article>{'x' * 2000} benchconv-0-end</article>"
    )
    forget_channel_layer_keys(args.redis_url)
    servers = start_servers("bare", args.workers, server_env(args), log_dir, "conv-bare")
    try:
        targets = [
            (f"ws://127.0.0.1:{servers[room % len(servers)].port}/ws/{room}/", {})
            for room in range(count)
            for _side in (0, 1)
        ]
        targets = [
            (url, {"Origin": url.replace("ws://", "http://").split("/ws/")[0]})
            for url, _headers in targets
        ]

        def bare(room: int, number: int):
            return bare_room_push(servers[room % len(servers)].port, html, room, number)

        results["bare"] = (*await measure_rooms(servers, targets, bare, args), servers)
    finally:
        stop_servers(servers)
    print()
    print(
        "| conversations | app | p50 ms | p95 ms | p99 ms | max ms | lost | dup | KiB/idle conn |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rows = {}
    for name, (run, kib, cpu, used) in results.items():
        latencies = run.latencies_ms()
        rows[name] = [percentile(latencies, q) for q in (0.5, 0.95, 0.99)]
        rows[name].append(max(latencies, default=float("nan")))
        print(
            f"| {count:,} | {name} | "
            + " | ".join(f"{value:.0f}" for value in rows[name])
            + f" | {run.lost()} | {run.duplicates} | {kib:.1f} |"
        )
        problems = log_problems(used)
        print(
            f"  {name}: {run.connect_failures} failed connects, statuses"
            f" {sorted(set(run.statuses))}, server CPU {cpu:.1f} s,"
            f" {sum(problems.values())} error/warning log lines",
            file=sys.stderr,
        )
        answered = [seconds * 1000 for seconds in run.answered]
        print(
            f"  {name}: POST answered p50 / p99 {percentile(answered, 0.5):.0f} /"
            f" {percentile(answered, 0.99):.0f} ms",
            file=sys.stderr,
        )
        if name == "product" and run.since_write:
            print(
                f"  {name}: from the message's write to the socket p50 / p95 / p99"
                f" {percentile(run.since_write, 0.5):.0f} /"
                f" {percentile(run.since_write, 0.95):.0f} /"
                f" {percentile(run.since_write, 0.99):.0f} ms",
                file=sys.stderr,
            )
        for line, times in problems.most_common(4):
            print(f"    {times} × {line}", file=sys.stderr)
    ratio = rows["product"][2] / rows["bare"][2] if rows["bare"][2] else float("nan")
    lost = results["product"][0].lost()
    print(
        f"\np99 product/bare: {ratio:.2f}× (target ≤ 1.25×: {'yes' if ratio <= 1.25 else 'NO'});"
        f" lost: {lost} (target 0: {'yes' if lost == 0 else 'NO'})"
    )


# --- Report ------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def figures(result: Result) -> dict:
    latencies = result.run.latencies_ms()
    return {
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies, default=float("nan")),
        "lost": result.run.lost(),
        "dup": result.run.duplicates,
        "kib": result.kib_per_connection,
    }


def print_table(results: list[tuple[Result, Result]]) -> None:
    print()
    print("| clients | app | p50 ms | p95 ms | p99 ms | max ms | lost | dup | KiB/idle conn |")
    print("|---|---|---|---|---|---|---|---|---|")
    for product, bare in results:
        clients = product.run.clients
        mine, floor = figures(product), figures(bare)
        for name, row in (("product", mine), ("bare", floor)):
            print(
                f"| {clients:,} | {name} | {row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f}"
                f" | {row['max']:.0f} | {row['lost']} | {row['dup']} | {row['kib']:.1f} |"
            )
        ratio = {key: mine[key] / floor[key] if floor[key] else float("nan") for key in mine}
        print(
            f"| {clients:,} | product/bare | {ratio['p50']:.1f}× | {ratio['p95']:.1f}× |"
            f" {ratio['p99']:.1f}× | {ratio['max']:.1f}× | | | {ratio['kib']:.1f}× |"
        )


def print_details(product: Result, bare: Result, html: str) -> None:
    for result in (product, bare):
        run = result.run
        statuses = sorted(set(result.statuses))
        first = [
            (min(arrivals.values()) - start) * 1000
            for arrivals, start in zip(run.received, run.started, strict=False)
            if arrivals
        ]
        print(
            f"  {run.clients:,} {result.app} (load {result.load:.1f}): "
            f"{run.connect_failures} failed connects, push "
            f"statuses {statuses}, server CPU {result.cpu_seconds:.1f} s over the pushes, "
            f"{sum(result.problems.values())} error/warning log lines"
        )
        print(
            f"    median per push: POST answered in {percentile(run.answered, 0.5) * 1000:.0f} ms,"
            f" first socket {percentile(first, 0.5):.0f} ms,"
            f" first-to-last socket {percentile(run.spread_ms(), 0.5):.0f} ms"
        )
        if result.run.lost():
            missing = [
                number
                for number, arrivals in enumerate(run.received)
                if len(arrivals) < run.clients
            ]
            print(
                f"    lost: pushes {missing}; sockets closed by the server before the end: "
                f"{len(run.closed_early)} (codes {sorted(set(run.closed_early.values()))})"
            )
        for line, count in result.problems.most_common(6):
            print(f"    {count} × {line}")
    print(f"  event payload: {len(html.encode()):,} bytes of HTML per event")


def check_targets(product: Result) -> None:
    row = figures(product)
    verdicts = [
        ("p99 < 250 ms", row["p99"] < 250),
        ("zero lost", row["lost"] == 0 and product.run.connect_failures == 0),
        ("< 100 KiB per idle connection", row["kib"] < 100),
    ]
    text = ", ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in verdicts)
    print(f"  targets at {product.run.clients:,} clients: {text}")


async def main_async(args) -> None:
    results = []
    log_dir = args.log_dir or tempfile.mkdtemp(prefix="bench-live-")
    Path(log_dir).mkdir(parents=True, exist_ok=True)
    if args.case == "conversations":
        try:
            await conversations_case(args, Path(log_dir))
        finally:
            if not args.log_dir:
                shutil.rmtree(log_dir, ignore_errors=True)
        return
    try:
        for clients in args.clients:
            print(
                f"{clients:,} clients, {args.pushes} pushes, {args.workers} workers …", flush=True
            )
            product = await product_run(clients, args, Path(log_dir))
            html = html_of(product.run.sample)
            bare = await bare_run(clients, args, Path(log_dir), html)
            print_details(product, bare, html)
            check_targets(product)
            results.append((product, bare))
    finally:
        if not args.log_dir:
            shutil.rmtree(log_dir, ignore_errors=True)
    print_table(results)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nload average at the end: {load} ({os.cpu_count()} CPUs)")


def raise_open_file_limit(clients: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 4 * clients + 1024))
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="100,1000")
    parser.add_argument("--pushes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between replies")
    parser.add_argument("--timeout", type=int, default=900, help="overall limit in seconds")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument(
        "--settings",
        default="onlinecityhall.settings",
        help="settings module for the servers, e.g. bench._layer_settings",
    )
    parser.add_argument("--log-dir", help="keep the servers' logs here (default: deleted)")
    parser.add_argument("--case", choices=["topics", "conversations"], default="topics")
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=1, help="messages per conversation")
    parser.add_argument(
        "--message-interval", type=float, default=0.05, help="seconds between messages"
    )
    parser.add_argument("--senders", type=int, default=8, help="messages in flight at most")
    parser.add_argument(
        "--server-args",
        default="",
        help='extra uvicorn options for every server, e.g. "--ws-per-message-deflate false"',
    )
    args = parser.parse_args()
    SERVER_ARGS[:] = args.server_args.split()
    args.clients = [int(value) for value in args.clients.split(",")]

    def give_up(signum, frame):
        raise TimeoutError(f"bench/live did not finish within {args.timeout} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(args.timeout)
    raise_open_file_limit(max(*args.clients, 2 * args.conversations))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average at the start: {load} ({os.cpu_count()} CPUs)", flush=True)
    try:
        setup_django(args.database_url, args.redis_url, args.settings)
        asyncio.run(main_async(args))
    finally:
        signal.alarm(0)
        for process in STARTED:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
