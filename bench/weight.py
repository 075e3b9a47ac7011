"""Page weight per page type: bytes transferred for the HTML and for the CSS and JavaScript a
browser with a cold cache fetches for it, compressed as the production server sends them.

    .venv/bin/python bench/weight.py [--budget-kb 150]

Builds a throw-away SQLite database with the demo data (``seed_demo``), collects the static files
(WhiteNoise writes their Brotli and gzip versions), serves the site with production settings
(``DJANGO_DEBUG=0``) through uvicorn, and requests every page with ``Accept-Encoding: br, gzip``
and the session cookie of a demo member. Stylesheets and scripts are read from the page's
``<link rel="stylesheet">`` and ``<script src>``, then the modules those scripts import (dynamic
imports included, so the figure is an upper bound). Each page counts its assets again: every
page is measured as a first visit. Bytes are response headers plus body as sent on the wire.
Exits with status 1 when the topic page is over the budget.
"""

import argparse
import gzip
import http.client
import os
import re
import secrets
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from pages_http import Server  # noqa: E402 - after the path is set

JS_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}/[^"']+)["']""")


class Assets(HTMLParser):
    """The stylesheets and scripts an HTML page makes the browser fetch."""

    def __init__(self):
        super().__init__()
        self.styles, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.styles.append(attributes["href"])  # print stylesheets are fetched too
        elif tag == "script" and attributes.get("src"):
            self.scripts.append(attributes["src"])


class Fetcher:
    def __init__(self, port: int, session_key: str | None):
        self.port = port
        self.cookie = f"sessionid={session_key}" if session_key else ""

    def get(self, path: str) -> tuple[int, bytes, str]:
        """(bytes on the wire, body as sent, content encoding) of a GET that must answer 200."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Accept-Encoding": "br, gzip", "Host": "127.0.0.1"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}")
        head = f"HTTP/1.1 {response.status} {response.reason}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in response.getheaders()) + "\r\n"
        return len(head.encode()) + len(body), body, response.getheader("Content-Encoding", "")

    def text(self, body: bytes, encoding: str) -> str:
        if encoding == "br":
            import brotli

            body = brotli.decompress(body)
        elif encoding == "gzip":
            body = gzip.decompress(body)
        return body.decode()

    def page(self, path: str) -> dict:
        html_bytes, body, encoding = self.get(path)
        html = self.text(body, encoding)
        parser = Assets()
        parser.feed(html)
        css = sum(self.get(urljoin(path, href))[0] for href in dict.fromkeys(parser.styles))
        js, seen, queue = 0, set(), [urljoin(path, src) for src in parser.scripts]
        while queue:
            url = urlsplit(queue.pop()).path
            if url in seen:
                continue
            seen.add(url)
            size, script, script_encoding = self.get(url)
            js += size
            source = self.text(script, script_encoding)
            queue += [urljoin(url, module) for module in JS_IMPORT.findall(source)]
        return {
            "html": html_bytes,
            "html_encoding": encoding or "none",
            # The same page if a proxy gzipped the HTML (Django itself sends it uncompressed).
            "html_gzip": html_bytes - len(body) + len(gzip.compress(html.encode(), 6)),
            "css": css,
            "js": js,
            "total": html_bytes + css + js,
            "files": 1 + len(set(parser.styles)) + len(seen),
        }


def prepare(database: Path) -> dict:
    """Migrate, seed, collect static files; return the pages to weigh and a member's session."""
    import django
    from django.core.management import call_command

    django.setup()
    quiet = {"verbosity": 0}
    call_command("migrate", interactive=False, **quiet)
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    call_command("collectstatic", interactive=False, **quiet)

    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from forums.models import Topic

    member = User.objects.get(email="yamada@city.habikino.lg.jp")  # also a site moderator
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(member.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = member.get_session_auth_hash()
    store.create()
    topic = Topic.objects.filter(accepted_post__isnull=False).order_by("-reply_count").first()
    colleague = User.objects.get(email="sato@vill.ogasawara.lg.jp")
    signed_out = [
        ("Landing (signed out)", "/"),
        ("Sign in", "/accounts/login/"),
        ("Sign up", "/accounts/signup/"),
    ]
    signed_in = [
        ("Home", "/"),
        ("Boards", "/boards/"),
        ("Board", "/boards/vaccination/"),
        ("Topic (solved, with replies)", f"/topics/{topic.pk}/"),
        ("New topic form", "/boards/vaccination/new/"),
        ("Search results", "/search/?q=%E6%8E%A5%E7%A8%AE"),
        ("Members", "/members/"),
        ("Profile", f"/members/{colleague.pk}/"),
        ("Notifications", "/notifications/"),
        ("Moderation", "/moderation/"),
        ("Review queue", "/moderation/verification/"),
        ("Audit log", "/moderation/log/"),
    ]
    return {"session": store.session_key, "signed_out": signed_out, "signed_in": signed_in}


def kb(size: int) -> str:
    return f"{size / 1024:.1f}"


def print_table(rows: list[tuple[str, dict]]) -> None:
    header = ("Page type", "HTML", "CSS", "JS", "Total", "Files", "HTML sent as", "HTML if gzipped")
    lines = [
        (name, kb(r["html"]), kb(r["css"]), kb(r["js"]), kb(r["total"]), str(r["files"]),
         r["html_encoding"], kb(r["html_gzip"]))
        for name, r in rows
    ]  # fmt: skip
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    print("Transferred KB (1 KB = 1024 bytes; headers + body, cold cache)")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        cells = [line[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)
        ]
        print("| " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget-kb", type=float, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-weight-") as folder:
        database = Path(folder) / "weight.sqlite3"
        environment = {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-weight-" + secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SSL_REDIRECT": "0",
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "onlinecityhall.settings",
        }
        os.environ.update(environment)
        pages = prepare(database)
        rows = []
        with Server(environment, workers=1) as server:
            anonymous, member = Fetcher(server.port, None), Fetcher(server.port, pages["session"])
            for name, path in pages["signed_out"]:
                rows.append((name, anonymous.page(path)))
            for name, path in pages["signed_in"]:
                rows.append((name, member.page(path)))
    print_table(rows)
    topic = next(row for name, row in rows if name.startswith("Topic"))
    budget = args.budget_kb * 1024
    verdict = "within" if topic["total"] < budget else "OVER"
    print(f"\nTopic page: {kb(topic['total'])} KB, {verdict} the {args.budget_kb:g} KB budget.")
    return 0 if topic["total"] < budget else 1


if __name__ == "__main__":
    sys.exit(main())
