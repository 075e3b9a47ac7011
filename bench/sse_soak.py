"""SSE soak: hundreds of event streams opened and closed for a quarter of an hour, beside sockets.

    .venv/bin/python bench/sse_soak.py                    # 15 minutes, 2 workers
    .venv/bin/python bench/sse_soak.py --minutes 3 --concurrent 30

Against two uvicorn processes (PostgreSQL and Redis, like production; DJANGO_DEBUG=1), this
keeps ``--concurrent`` server-sent-event streams open on a topic, each living 10 to 60 s before
it closes and a new one opens where it left off (``since=<last sequence seen>``, as EventSource
does with Last-Event-ID), plus ``--sockets`` WebSockets held for the whole run. A member replies
every ``--interval`` seconds through the real form. Every stream and socket must receive every
reply posted while it was open (a reply not seen 10 s after posting, by a stream that stayed
open that long, is lost).

Revocations: a second topic on an invite-only board has its own streams and sockets, each as
a different member; every ``--revoke-every`` seconds one of those members is removed from the
board, and their stream must say ``access.revoked`` and their socket close with 4403 within
10 s. The figures: streams opened, events expected and delivered, lost, revocations honoured,
delivery latency, the servers' memory and open file descriptors at the start and the end, and
any error in their logs.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.live import (  # noqa: E402
    STARTED,
    forget_channel_layer_keys,
    log_problems,
    new_topic,
    resident_kib,
    seed,
    server_env,
    sessions_for,
    setup_django,
    start_servers,
    stop_servers,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/och_bench_sse"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
LOST_AFTER = 10.0


@dataclass
class Stats:
    streams_opened: int = 0
    streams_failed: int = 0
    sockets_opened: int = 0
    sockets_failed: int = 0
    sockets_dropped: int = 0
    posted: dict = field(default_factory=dict)  # sequence -> monotonic time of the POST
    received: list = field(default_factory=list)  # (listener, sequence, time)
    windows: list = field(default_factory=list)  # (listener, since_sequence, opened, closed)
    revocations: list = field(default_factory=list)  # (kind, requested, honoured or None)
    latencies: list = field(default_factory=list)


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def sse_stream(port, session, topic_id, since, lifetime, stats, name, revoked=None):
    """One EventSource-like stream; returns the last sequence it saw."""
    from django.conf import settings

    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        stats.streams_failed += 1
        await asyncio.sleep(1)
        return since
    writer.write(
        (
            f"GET /topics/{topic_id}/events/stream/?since={since} HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n"
            f"Cookie: {settings.SESSION_COOKIE_NAME}={session}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        stats.streams_failed += 1
        writer.close()
        return since
    stats.streams_opened += 1
    opened = time.monotonic()
    last = since
    deadline = opened + lifetime
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = await asyncio.wait_for(reader.readline(), remaining)
            except TimeoutError:
                break
            if not line:
                break
            text = line.decode(errors="replace").strip()
            if not text.startswith("data: "):
                continue
            event = json.loads(text[len("data: ") :])
            if event["type"] == "access.revoked":
                if revoked is not None:
                    revoked.set()
                break
            if event.get("sequence"):
                last = max(last, event["sequence"])
                stats.received.append((name, event["sequence"], time.monotonic()))
    finally:
        stats.windows.append((name, since, opened, time.monotonic()))
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    return last


async def sse_client(port, session, topic_id, end, stats, name):
    since = 0
    while time.monotonic() < end:
        lifetime = min(random.uniform(10, 60), end - time.monotonic())
        since = await sse_stream(port, session, topic_id, since, lifetime, stats, name)


async def socket_client(port, session, topic_id, end, stats, name):
    """A socket held for the whole run; reconnects (with the catch-up) if it is dropped."""
    from django.conf import settings

    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    last = 0
    while time.monotonic() < end:
        url = f"ws://127.0.0.1:{port}/ws/topics/{topic_id}/?since={last}"
        try:
            connection = await websockets.connect(
                url, additional_headers=headers, origin=f"http://127.0.0.1:{port}", open_timeout=30
            )
        except (OSError, TimeoutError, websockets.WebSocketException):
            stats.sockets_failed += 1
            await asyncio.sleep(1)
            continue
        stats.sockets_opened += 1
        opened, since = time.monotonic(), last
        try:
            while time.monotonic() < end:
                try:
                    message = await asyncio.wait_for(connection.recv(), 1)
                except TimeoutError:
                    continue
                event = json.loads(message)
                if event.get("sequence"):
                    last = max(last, event["sequence"])
                    stats.received.append((name, event["sequence"], time.monotonic()))
        except websockets.ConnectionClosed:
            stats.sockets_dropped += 1
        finally:
            stats.windows.append((name, since, opened, time.monotonic()))
            await connection.close()


def reply(port: int, session: str, topic_id: int, number: int) -> int:
    """The reply form of the topic's last page (the poster has read the rest), then its POST."""
    import http.client
    import re
    import urllib.parse

    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    try:
        page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        page.request("GET", f"/topics/{topic_id}/?page=last", headers={"Cookie": cookie})
        answer = page.getresponse()
        html = answer.read().decode()
        csrf = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie", "")).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        submission = re.search(r'name="submission_token" value="([^"]*)"', html).group(1)
    except (OSError, AttributeError):
        return 0
    form = {"csrfmiddlewaretoken": token, "submission_token": submission}
    form["body"] = f"在庫の確認 {number} 回目です。"
    origin = f"http://127.0.0.1:{port}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            f"/topics/{topic_id}/reply/",
            body=urllib.parse.urlencode(form),
            headers={
                "Cookie": f"{cookie}; csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + f"/topics/{topic_id}/",
            },
        )
        return connection.getresponse().status
    except OSError:
        return 0


async def poster(port, session, topic_id, end, interval, stats):
    from forums.models import Topic

    number = 0
    while time.monotonic() + LOST_AFTER < end:
        number += 1
        # Latency counts from here: the reply form's GET (for its CSRF token) and its POST.
        before = time.monotonic()
        status = await asyncio.to_thread(reply, port, session, topic_id, number)
        if status == 302:
            sequence = await asyncio.to_thread(
                lambda: Topic.objects.values_list("event_sequence", flat=True).get(pk=topic_id)
            )
            stats.posted[sequence] = before
        await asyncio.sleep(interval)


async def revoker(ports, board, members, sessions, topic_id, end, every, stats):
    """Open a stream and a socket per member on the invite topic; remove members one by one."""
    from django.conf import settings

    from forums.models import Membership
    from moderation.services import membership as moderation

    moderator = await asyncio.to_thread(
        lambda: Membership.objects.filter(board=board, role="moderator").first().user
    )
    for index, (member, session) in enumerate(zip(members, sessions, strict=True)):
        if time.monotonic() + every > end:
            break
        port = ports[index % len(ports)]
        revoked = asyncio.Event()
        stream = asyncio.create_task(
            sse_stream(port, session, topic_id, 0, 600, stats, f"revoked-{index}", revoked)
        )
        url = f"ws://127.0.0.1:{port}/ws/topics/{topic_id}/?since=0"
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
        try:
            connection = await websockets.connect(
                url, additional_headers=headers, origin=f"http://127.0.0.1:{port}", open_timeout=30
            )
        except (OSError, TimeoutError, websockets.WebSocketException):
            stats.sockets_failed += 1
            connection = None
        await asyncio.sleep(every)
        requested = time.monotonic()
        membership = await asyncio.to_thread(
            lambda member=member: Membership.objects.get(board=board, user=member)
        )
        await asyncio.to_thread(moderation.remove_member, moderator, membership, "ベンチ")
        try:
            await asyncio.wait_for(revoked.wait(), LOST_AFTER)
            stats.revocations.append(("stream", requested, time.monotonic()))
        except TimeoutError:
            stats.revocations.append(("stream", requested, None))
        if connection is not None:
            try:
                await asyncio.wait_for(connection.wait_closed(), LOST_AFTER)
                honoured = connection.close_code == 4403
                at = time.monotonic() if honoured else None
                stats.revocations.append(("socket", requested, at))
            except TimeoutError:
                stats.revocations.append(("socket", requested, None))
            await connection.close()
        stream.cancel()
        with contextlib.suppress(BaseException):
            await stream


def losses(stats: Stats) -> tuple[int, int]:
    """(expected, lost): every reply after the sequence a listener resumed from, posted early
    enough to arrive before the listener closed (earlier ones arrive by the catch-up)."""
    got = {(name, sequence) for name, sequence, _at in stats.received}
    expected = lost = 0
    for name, since, _opened, closed in stats.windows:
        if name.startswith("revoked"):
            continue
        for sequence, posted in stats.posted.items():
            if sequence > since and posted + LOST_AFTER < closed:
                expected += 1
                lost += (name, sequence) not in got
    return expected, lost


def prepare(readers: int, revocable: int):
    from forums.models import Board, Membership

    poster_user, board, reader_ids = seed(readers + revocable + 1)
    topic = new_topic(poster_user, board)
    invite, _created = Board.objects.get_or_create(
        slug="bench-sse-invite",
        defaults={"name_ja": "招待制ベンチ", "name_en": "Invite bench", "field": board.field},
    )
    Board.objects.filter(pk=invite.pk).update(join_policy=Board.JoinPolicy.INVITE)
    invite.refresh_from_db()
    Membership.objects.filter(board=invite).delete()
    Membership.objects.create(user=poster_user, board=invite, role=Membership.Role.MODERATOR)
    from accounts.models import User

    revocable_ids = reader_ids[readers : readers + revocable]
    members = list(User.objects.filter(pk__in=revocable_ids).order_by("pk"))
    Membership.objects.bulk_create(Membership(user=user, board=invite) for user in members)
    invite_topic = new_topic(poster_user, invite)
    poster_session, *sessions = sessions_for([poster_user.pk, *reader_ids[:readers]])
    revocable_sessions = sessions_for([member.pk for member in members])
    return {
        "topic": topic,
        "invite": invite,
        "invite_topic": invite_topic,
        "poster_session": poster_session,
        "sessions": sessions,
        "members": members,
        "revocable_sessions": revocable_sessions,
    }


async def run(args, scene, servers) -> Stats:
    stats = Stats()
    ports = [server.port for server in servers]
    end = time.monotonic() + args.minutes * 60
    sessions = scene["sessions"]
    topic_id = scene["topic"].pk
    jobs = [
        sse_client(ports[i % len(ports)], sessions[i], topic_id, end, stats, f"sse-{i}")
        for i in range(args.concurrent)
    ]
    jobs += [
        socket_client(
            ports[i % len(ports)], sessions[args.concurrent + i], topic_id, end, stats, f"ws-{i}"
        )
        for i in range(args.sockets)
    ]
    jobs.append(poster(ports[0], scene["poster_session"], topic_id, end, args.interval, stats))
    jobs.append(
        revoker(
            ports,
            scene["invite"],
            scene["members"],
            scene["revocable_sessions"],
            scene["invite_topic"].pk,
            end,
            args.revoke_every,
            stats,
        )
    )
    await asyncio.gather(*jobs)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--concurrent", type=int, default=60, help="SSE streams open at once")
    parser.add_argument("--sockets", type=int, default=20, help="WebSockets held meanwhile")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between replies")
    parser.add_argument("--revoke-every", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--settings", default="onlinecityhall.settings")
    args = parser.parse_args()
    setup_django(args.database_url, args.redis_url, args.settings)
    forget_channel_layer_keys(args.redis_url)
    revocable = int(args.minutes * 60 / args.revoke_every) + 1
    scene = prepare(args.concurrent + args.sockets, revocable)
    log_dir = Path(tempfile.mkdtemp(prefix="sse-soak-"))
    servers = start_servers("product", args.workers, server_env(args), log_dir, "product")
    memory_before = resident_kib(servers)
    files_before = sum(open_files(server.process.pid) for server in servers)
    try:
        stats = asyncio.run(run(args, scene, servers))
        memory_after = resident_kib(servers)
        files_after = sum(open_files(server.process.pid) for server in servers)
    finally:
        stop_servers(servers)
        for process in STARTED:
            if process.poll() is None:
                process.kill()
    expected, lost = losses(stats)
    latencies = sorted(
        at - stats.posted[sequence]
        for _name, sequence, at in stats.received
        if sequence in stats.posted and at >= stats.posted[sequence]
    )
    honoured = [r for r in stats.revocations if r[2] is not None]
    revocation_times = sorted(r[2] - r[1] for r in honoured)

    def percentile(values, fraction):
        return values[min(len(values) - 1, int(len(values) * fraction))] * 1000 if values else 0

    print(f"SSE soak: {args.minutes:g} min, {args.workers} workers, logs in {log_dir}")
    print(f"streams opened {stats.streams_opened} (failed to open {stats.streams_failed}), ")
    print(
        f"sockets opened {stats.sockets_opened} (failed to open {stats.sockets_failed}, "
        f"dropped {stats.sockets_dropped}), replies {len(stats.posted)}"
    )
    print(f"deliveries expected {expected}, lost {lost}")
    print(
        f"latency p50 {percentile(latencies, 0.5):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms"
    )
    print(
        f"revocations honoured {len(honoured)} of {len(stats.revocations)} "
        f"(max {max(revocation_times, default=0) * 1000:.0f} ms)"
    )
    print(f"server memory {memory_before / 1024:.0f} → {memory_after / 1024:.0f} MiB")
    print(f"server open files {files_before} → {files_after}")
    problems = log_problems(servers)
    print(f"log problems: {sum(problems.values())}")
    for line, count in problems.most_common(10):
        print(f"  {count} × {line}")


if __name__ == "__main__":
    main()
