"""On a slow municipal line every round trip counts: a topic page opened with an empty cache
loads in four requests (the page, one stylesheet, the language's catalogue, one script), all
cached for the next page (bench/weight.py measures that with production settings)."""

from tests.browser.test_live_topic_in_browser import scene

# What the browser fetches to show the page; the live connection and its catch-up or count
# requests come after and are not part of loading it.
ASSETS = {"document", "stylesheet", "script", "image", "font", "media"}


def loaded(page, path: str) -> list[str]:
    requested = []
    page.on(
        "request",
        lambda request: request.resource_type in ASSETS and requested.append(request.url),
    )
    page.goto(path, wait_until="load")
    page.wait_for_function(
        "window.liveTopic !== undefined || !document.getElementById('post-list')"
    )
    origin = page.url.split("/", 3)[:3]
    prefix = "/".join(origin)
    return [url.removeprefix(prefix) for url in requested]


def test_a_topic_page_with_a_cold_cache_costs_four_requests(page_for):
    asker, _answerer, topic = scene()
    page = page_for(asker)

    first = loaded(page, f"/topics/{topic.pk}/")
    assert first == [
        f"/topics/{topic.pk}/",
        "/static/bundles/site.css",
        "/static/js/i18n/ja/djangojs.js",
        "/static/bundles/site.js",
    ]
    assert page.evaluate("window.liveTopic.mode") == "websocket"
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    ) not in {"", "rgba(0, 0, 0, 0)"}
