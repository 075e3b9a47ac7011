"""With Redis stopped, members keep browsing, signing in and posting; it comes back by itself.

The test starts a Redis server of its own on a free port (never the shared one), points the cache
and the channel layer at it, then stops it in the middle of a member's visit.
"""

import os
import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.core.cache import cache
from django.test import Client

from forums.models import Post
from onlinecityhall import cache as failover
from tests.factories import MembershipFactory, UserFactory, make_topic

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away redis-server: no persistence, its own port."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.directory = tmp_path
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path, settings, monkeypatch):
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "onlinecityhall.cache.FailoverRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": server.url, "socket_connect_timeout": 1}]},
        }
    }
    settings.HEALTHZ_CHANNEL_TIMEOUT = 0.5
    # Retry Redis at once in the test instead of after the production pause.
    monkeypatch.setattr(failover, "RETRY_SECONDS", 0.0)
    yield server
    server.stop()


def _pages(board, topic) -> list[str]:
    return [
        "/",
        "/boards/",
        board.get_absolute_url(),
        topic.get_absolute_url(),
        "/search/?q=モデルナ",
        "/members/",
        "/notifications/",
        f"/topics/{topic.pk}/events/?since=0",
    ]


def test_pages_sign_in_and_posting_work_while_redis_is_down(own_redis, board):
    moderator = MembershipFactory(board=board, role="moderator").user
    member = MembershipFactory(board=board, user__email="sato@city.habikino.lg.jp").user
    topic = make_topic(moderator, board)
    reader = Client()
    reader.force_login(moderator)
    for path in _pages(board, topic):
        assert reader.get(path).status_code == 200, path
    assert cache.set("probe", 1) is not False and cache.get("probe") == 1

    own_redis.stop()

    for path in _pages(board, topic):
        assert reader.get(path).status_code == 200, path
    visitor = Client()
    signed_in = visitor.post(
        "/accounts/login/",
        {"login": "sato@city.habikino.lg.jp", "password": "correct-horse-battery-42"},
    )
    assert signed_in.status_code == 302
    assert visitor.get("/").context["user"] == member
    posted = visitor.post(
        f"/topics/{topic.pk}/reply/",
        {"body": "Redis が止まっていても返信できます。", "submission_token": "a" * 20},
    )
    assert posted.status_code == 302
    assert visitor.get(posted["Location"]).status_code == 200
    assert Post.objects.filter(topic=topic, author=member).count() == 1
    health = Client().get("/healthz")
    assert health.status_code == 200
    assert health.json()["cache"].startswith("error")
    assert health.json()["channel_layer"].startswith("error")
    assert health.json()["status"] == "degraded"

    own_redis.start()

    assert Client().get("/healthz").json()["status"] == "ok"
    cache.set("probe", 2)
    assert cache.get("probe") == 2
    for path in _pages(board, topic):
        assert reader.get(path).status_code == 200, path


def test_sign_in_is_still_rate_limited_while_redis_is_down(own_redis):
    UserFactory(email="tanaka@city.habikino.lg.jp")
    own_redis.stop()
    visitor = Client()
    answers = [
        visitor.post(
            "/accounts/login/",
            {"login": "tanaka@city.habikino.lg.jp", "password": f"wrong-{attempt}"},
        ).status_code
        for attempt in range(8)
    ]
    assert 500 not in answers
    # Guessing was slowed down even without Redis: the right password now waits too.
    late = visitor.post(
        "/accounts/login/",
        {"login": "tanaka@city.habikino.lg.jp", "password": "correct-horse-battery-42"},
    )
    assert late.status_code in (200, 429)
    assert "_auth_user_id" not in visitor.session


def test_every_cache_object_of_a_process_shares_one_redis_client_and_fallback(own_redis):
    """Django makes a cache object per thread, and per request under ASGI: they must not each
    open a Redis connection, nor each keep their own fallback while Redis is down."""
    options = {"OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1}}
    caches = []
    threads = [
        threading.Thread(
            target=lambda: caches.append(failover.FailoverRedisCache(own_redis.url, options))
        )
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second, third = caches
    assert first.primary is second.primary is third.primary
    first.set("shared", 1)
    assert second.get("shared") == 1
    # One redis.Redis object per connection pool, not one built for every call.
    client = first.primary._cache.get_client(write=True)
    assert third.primary._cache.get_client("any-key", write=True) is client
    assert third.get("shared") == 1 and first.primary._cache.get_client() is client

    own_redis.stop()

    first.set("while-down", 2)
    assert third.get("while-down") == 2
