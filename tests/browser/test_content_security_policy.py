"""No page breaks under the Content-Security-Policy: the browser reports no violation anywhere.

The demo data (every capability of the site) is loaded, then Chromium walks the site by its own
links as a signed-out visitor, a member and a site moderator, listening for
``securitypolicyviolation`` events and the console's "Refused to …" messages on every page it
opens, live connections included.
"""

import threading
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
SKIPPED = ("/accounts/logout/", "/admin/", "/static/", "/media/", "/notifications/unsubscribe/")
PAGES_PER_ROLE = {"visitor": 8, "member": 45, "moderator": 70}


@pytest.fixture
def demo(asgi_server, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # In a thread of its own: Playwright's event loop runs in this one, and the demo's writes
    # send their live events through async_to_sync.
    seeding = threading.Thread(target=call_command, args=("seed_demo",), kwargs={"verbosity": 0})
    seeding.start()
    seeding.join()
    return {
        "member": User.objects.get(email="sato@vill.ogasawara.lg.jp"),
        "moderator": User.objects.get(email="yamada@city.habikino.lg.jp"),
    }


def _crawl(page, origin: str, limit: int) -> tuple[list[str], list[str]]:
    """Open pages by following links from the home page; the violations seen and pages opened."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or message.text.startswith("Refused to")
            else None
        ),
    )
    queue, seen, opened, violations = ["/"], set(), [], []
    while queue and len(opened) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        opened.append(path)
        page.wait_for_timeout(300)  # scripts start live connections and fetches
        violations += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations || []")]
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            url = urlparse(urldefrag(href)[0])
            if f"{url.scheme}://{url.netloc}" != origin or url.path.startswith(SKIPPED):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen and "page=" not in url.query and "after=" not in url.query:
                queue.append(target)
    return violations + refused, opened


@pytest.mark.parametrize("role", ["visitor", "member", "moderator"])
def test_no_page_reports_a_content_security_policy_violation(
    chromium, page_for, demo, asgi_server, role
):
    if role == "visitor":
        context = chromium.new_context(locale="ja-JP", base_url=asgi_server)
        context.add_init_script(LISTEN)
        page = context.new_page()
    else:
        page = page_for(demo[role], init_script=LISTEN)
    violations, opened = _crawl(page, asgi_server, PAGES_PER_ROLE[role])
    assert len(opened) >= min(PAGES_PER_ROLE[role], 4), opened
    assert not violations, "\n".join(violations)


def test_every_page_carries_the_policy_and_the_permissions_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
