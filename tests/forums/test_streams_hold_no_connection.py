"""Open event streams hold no database connection: more streams than the pool has connections
leave pages and new streams answering at once (the cause of the SSE fallback's stall)."""

import socket

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import asgi_server  # noqa: F401 - the real server in a thread
from tests.factories import MembershipFactory, make_topic

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"].get("OPTIONS", {}).get("pool"),
    reason="needs PostgreSQL with the connection pool (DATABASE_URL)",
)


def _open_stream(port: int, cookie: str, topic_id: int) -> socket.socket:
    stream = socket.create_connection(("127.0.0.1", port), timeout=15)
    stream.sendall(
        f"GET /topics/{topic_id}/events/stream/?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {cookie}\r\n\r\n".encode()
    )
    received = b""
    while b"retry:" not in received:  # headers, padding and the retry hint have arrived
        chunk = stream.recv(4096)
        assert chunk, "the stream closed"
        received += chunk
    assert b" 200 " in received.split(b"\r\n", 1)[0]
    return stream


def test_more_streams_than_pooled_connections_leave_the_site_answering(
    asgi_server,  # noqa: F811
    board,
):
    member = MembershipFactory(board=board).user
    topic = make_topic(member, board)
    client = Client()
    client.force_login(member)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = int(asgi_server.rsplit(":", 1)[1])
    pool_size = settings.DATABASES["default"]["OPTIONS"]["pool"].get("max_size", 10)
    streams = [_open_stream(port, cookie, topic.pk) for _ in range(pool_size + 4)]
    try:
        page = socket.create_connection(("127.0.0.1", port), timeout=8)
        page.sendall(
            f"GET /topics/{topic.pk}/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        status_line = page.recv(64).split(b"\r\n", 1)[0]
        page.close()
        assert b" 200 " in status_line, status_line
    finally:
        for stream in streams:
            stream.close()
