"""On a separated municipal network nothing but the site itself is reachable: every request a page
makes, scripts, styles, fonts, images, live updates, goes to the site's own origin."""

import pytest

pytestmark = pytest.mark.browser


def test_no_request_leaves_the_site(open_tab, site, asgi_server):
    requests, sockets = [], []

    def record(page):
        page.on("request", lambda request: requests.append(request.url))
        page.on("websocket", lambda socket: sockets.append(socket.url))
        return page

    visitor = record(open_tab())
    for path in ["/", "/accounts/login/", "/accounts/signup/"]:
        visitor.goto(path)
        visitor.wait_for_load_state("networkidle")
    visitor.locator("input[name=municipality_name], input[role=combobox]").first.fill("羽曳野")

    member = record(open_tab(site["asker"]))
    topic = site["topic"]
    for path in [
        "/",
        "/boards/",
        "/boards/vaccination/",
        f"/topics/{topic.pk}/",
        "/boards/vaccination/new/",
        "/search/?q=バイアル",
        "/notifications/",
        f"/members/{site['answerer'].pk}/",
    ]:
        member.goto(path)
        member.wait_for_load_state("load")
        if path == "/boards/vaccination/new/":
            member.fill("input[name=title]", "モデルナのバイアル")  # asks for similar topics
        member.wait_for_timeout(300)  # scripts, the live socket and its first requests

    moderator = record(open_tab(site["site_moderator"]))
    for path in ["/moderation/", "/moderation/verification/", "/moderation/domains/"]:
        moderator.goto(path)
        moderator.wait_for_load_state("networkidle")

    assert any(url.endswith(".js") for url in requests), "the pages' scripts were recorded"
    assert any(url.endswith(".css") for url in requests)
    elsewhere = [url for url in requests if not url.startswith(asgi_server + "/")]
    assert not elsewhere, elsewhere
    socket_origin = asgi_server.replace("http://", "ws://", 1) + "/"
    assert sockets and all(url.startswith(socket_origin) for url in sockets), sockets


def test_the_pages_name_no_other_host(open_tab, site):
    """Also what is not requested yet: links to styles, scripts, fonts and images in the HTML.
    Inline data (the site's icon is a data: URL) is never fetched from anywhere."""
    page = open_tab(site["asker"])
    page.goto(f"/topics/{site['topic'].pk}/")
    external = page.evaluate(
        """() => [...document.querySelectorAll('link[href], script[src], img[src], iframe, source')]
              .map((element) => element.href || element.src || 'iframe')
              .filter((url) => !url.startsWith(location.origin + '/'))
              .filter((url) => !url.startsWith('data:'))"""
    )
    assert external == []
    fonts = page.evaluate("() => [...document.fonts].map((font) => font.family)")
    assert fonts == [], "fonts come from the PC, never downloaded"
