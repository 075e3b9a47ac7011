"""Browser tests: the real ASGI application served by uvicorn in a thread, driven by Debian's
Chromium through Playwright (never a downloaded browser)."""

import os
import shutil
import socket
import threading
import time

import pytest
import uvicorn
from django.conf import settings
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def with_static_files(application):
    """Serve /static/ from the apps' folders, as the tests do not run collectstatic."""
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    http = ASGIStaticFilesHandler(application)

    async def app(scope, receive, send):
        handler = http if scope["type"] == "http" else application
        await handler(scope, receive, send)

    return app


@pytest.fixture
def asgi_server(transactional_db, settings):
    """The whole site (HTTP and WebSockets) on a loopback port, sharing the test database."""
    from onlinecityhall.asgi import application

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            with_static_files(application),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("REQUIRE_BROWSER") == "1":  # CI: a missing browser is a failure
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are
    # still ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def open_tab(chromium, asgi_server):
    """A browser tab for ``user`` (None: signed out) in ``language``, each in its own context
    (the session is made directly, to stay fast); ``context_options`` go to Playwright
    (viewport, media …)."""
    contexts = []

    def open_page(user=None, *, language="ja", init_script=None, **context_options):
        context = chromium.new_context(
            locale="ja-JP" if language == "ja" else "en-GB",
            base_url=asgi_server,
            **context_options,
        )
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": asgi_server}]
        if user is not None:
            client = Client()
            client.force_login(user)
            name = settings.SESSION_COOKIE_NAME
            cookies.append({"name": name, "value": client.cookies[name].value, "url": asgi_server})
        context.add_cookies(cookies)
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page_for(open_tab):
    """``open_tab`` under the name the browser specs use: ``page_for(user)``."""
    return open_tab
