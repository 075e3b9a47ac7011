"""Several ASGI worker processes behave as one site: a reply posted through worker A reaches a
WebSocket open on worker B, through Redis and PostgreSQL."""

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import websockets
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.factories import BoardFactory, MembershipFactory, make_topic

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or "channels_redis" not in str(settings.CHANNEL_LAYERS),
        reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL; CI sets both",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_worker(port: int) -> subprocess.Popen:
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "onlinecityhall.asgi:application", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until_healthy(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"worker on port {port} did not become healthy")


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def post_reply(port: int, session: str, topic_id: int, body: str) -> int:
    """Post through the real form: fetch the page for the CSRF token, then submit."""
    base = f"http://127.0.0.1:{port}"
    page = urllib.request.Request(
        f"{base}/topics/{topic_id}/", headers={"Cookie": f"sessionid={session}"}
    )
    with urllib.request.urlopen(page, timeout=10) as answer:
        html = answer.read().decode()
        cookie = answer.headers.get_all("Set-Cookie")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", " ".join(cookie)).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "body": body}).encode()
    request = urllib.request.Request(
        f"{base}/topics/{topic_id}/reply/",
        data=form,
        headers={"Cookie": f"sessionid={session}; csrftoken={csrf_cookie}", "Referer": base + "/"},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as redirect:
        return redirect.code


@pytest.mark.django_db(transaction=True)
def test_a_reply_through_worker_a_reaches_a_socket_on_worker_b():
    board = BoardFactory()
    asker = MembershipFactory(board=board).user
    answerer = MembershipFactory(board=board).user
    topic = make_topic(asker, board)
    port_a, port_b = free_port(), free_port()
    workers = [start_worker(port_a), start_worker(port_b)]
    try:
        wait_until_healthy(port_a)
        wait_until_healthy(port_b)

        asker_session, answerer_session = session_cookie(asker), session_cookie(answerer)

        async def scenario():
            url = f"ws://127.0.0.1:{port_b}/ws/topics/{topic.pk}/?since=0"
            headers = {
                "Cookie": f"sessionid={asker_session}",
                "Origin": f"http://127.0.0.1:{port_b}",
            }
            async with websockets.connect(url, additional_headers=headers) as socket_b:
                await asyncio.sleep(0.3)
                status = await asyncio.to_thread(
                    post_reply, port_a, answerer_session, topic.pk, "別のワーカーから"
                )
                assert status == 302
                event = json.loads(await asyncio.wait_for(socket_b.recv(), timeout=10))
                return event

        event = asyncio.run(scenario())
        assert event["type"] == "post.created"
        assert "別のワーカーから" in event["html"]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
