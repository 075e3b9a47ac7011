"""The site's two static bundles: every script in one file and every stylesheet in another.

A page then costs four requests with a cold cache (the page, ``bundles/site.css``, Django's
JavaScript catalogue for the language, ``bundles/site.js``), and every later page only the
page itself: people on slow municipal lines feel round trips more than bytes. The sources stay
readable ES modules and stylesheets under ``static/js`` and ``static/css``; esbuild (a pinned
npm development dependency, ``make bundles``) joins and minifies them. The bundles are
committed, so running the site needs no Node.js. Each bundle's first line records a digest of
all the sources it was built from; the test suite recomputes it, so a source changed without
rebuilding fails the tests instead of shipping stale code.

    python -m onlinecityhall.bundles          # rebuild (needs `npm ci` first)
"""

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
# entry point -> bundle; the sources are every file of the entry's kind beside it
BUNDLES = {
    STATIC / "js" / "site.js": STATIC / "bundles" / "site.js",
    STATIC / "css" / "bundle.css": STATIC / "bundles" / "site.css",
}
# Loaded on its own page only (its @page rule would apply to every page).
SEPARATE = {STATIC / "css" / "progress-print.css"}
TARGET = "es2020,chrome100,edge100,firefox100,safari15"


def sources() -> list[Path]:
    files = [*(STATIC / "js").glob("*.js"), *(STATIC / "css").glob("*.css")]
    return sorted(path for path in files if path not in SEPARATE)


def digest() -> str:
    """A digest of every source file's name and content."""
    hashed = hashlib.sha256()
    for path in sources():
        hashed.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        hashed.update(path.read_bytes() + b"\0")
    return hashed.hexdigest()


def banner() -> str:
    return f"/* built by make bundles from static/js and static/css, sources {digest()} */"


def build() -> None:
    if not ESBUILD.exists():
        sys.exit("esbuild is not installed: run `npm ci` (make bundles does)")
    for entry, bundle in BUNDLES.items():
        kind = "js" if entry.suffix == ".js" else "css"
        command = [
            str(ESBUILD),
            str(entry),
            "--bundle",
            "--minify",
            "--charset=utf8",
            "--legal-comments=none",
            f"--target={TARGET}",
            f"--outfile={bundle}",
            f"--banner:{kind}={banner()}",
            "--log-level=warning",
        ]
        if kind == "js":
            command.append("--format=esm")
        subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 - our own fixed command
        print(f"{bundle.relative_to(ROOT)}: {bundle.stat().st_size:,} bytes")


if __name__ == "__main__":
    build()
