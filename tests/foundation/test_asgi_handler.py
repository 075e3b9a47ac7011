"""Under ASGI, a page's middleware and view run in one thread; coroutine views still work."""

import asyncio
import threading

import pytest
from asgiref.sync import iscoroutinefunction
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.test import Client

from forums import services as forum_services


@pytest.fixture
def topic(board, member):
    return forum_services.create_topic(
        member, board, "接種会場のレイアウト", "会場図を共有します。"
    )


def session_cookie(user) -> bytes:
    browser = Client()
    browser.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={browser.cookies[name].value}".encode()


def http_scope(path: str, cookie: bytes = b"") -> dict:
    headers = [(b"host", b"localhost")] + ([(b"cookie", cookie)] if cookie else [])
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 5000),
        "server": ("localhost", 80),
    }  # fmt: skip


async def response_start(path: str, cookie: bytes = b"") -> tuple[dict, bytes]:
    """The response's start and its first body message, then the client goes away."""
    from onlinecityhall.asgi import application

    communicator = ApplicationCommunicator(application, http_scope(path, cookie))
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(10)
    body = await communicator.receive_output(10)
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(10)
    return start, body.get("body", b"")


def test_the_middleware_chain_is_built_for_one_thread():
    from onlinecityhall.asgi import django_asgi_app

    assert not iscoroutinefunction(django_asgi_app._middleware_chain)


@pytest.mark.django_db(transaction=True)
def test_middleware_and_view_of_a_page_run_in_the_same_thread(member, topic, monkeypatch):
    from forums import views

    threads = {}
    real_render = views.render

    def watched_render(request, *args, **kwargs):
        threads["view"] = threading.get_ident()
        return real_render(request, *args, **kwargs)

    def watched_language(self, request):
        threads["middleware"] = threading.get_ident()
        return real_language(self, request)

    from onlinecityhall.middleware import LanguageMiddleware

    real_language = LanguageMiddleware.chosen_language
    monkeypatch.setattr(views, "render", watched_render)
    monkeypatch.setattr(LanguageMiddleware, "chosen_language", watched_language)

    start, body = asyncio.run(response_start(f"/topics/{topic.pk}/", session_cookie(member)))

    assert start["status"] == 200
    assert "接種会場のレイアウト".encode() in body
    assert threads["view"] == threads["middleware"]


@pytest.mark.django_db(transaction=True)
def test_a_coroutine_view_still_streams_events(member, topic):
    start, first = asyncio.run(
        response_start(f"/topics/{topic.pk}/events/stream/", session_cookie(member))
    )

    assert start["status"] == 200
    headers = {name.lower(): value for name, value in start["headers"]}
    assert headers[b"content-type"].startswith(b"text/event-stream")
    assert first  # the padding that opens every stream


@pytest.mark.django_db(transaction=True)
def test_a_non_member_is_still_refused_the_stream(verified_user, topic, board):
    board.join_policy = board.JoinPolicy.INVITE
    board.save()
    start, _body = asyncio.run(
        response_start(f"/topics/{topic.pk}/events/stream/", session_cookie(verified_user))
    )

    assert start["status"] in (403, 404)
