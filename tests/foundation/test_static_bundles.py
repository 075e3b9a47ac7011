"""Every page loads the site's stylesheet and script as one bundle each, built from the
readable sources under static/ (make bundles) and never older than them."""

import re

import pytest
from django.conf import settings

from onlinecityhall import bundles
from tests.factories import make_topic

STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"(?: media="([^"]+)")?>')
SCRIPT = re.compile(r'<script[^>]* src="([^"]+)"')


@pytest.mark.parametrize("bundle", sorted(bundles.BUNDLES.values()), ids=lambda path: path.name)
def test_each_bundle_was_built_from_the_current_sources(bundle):
    first_line = bundle.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line == bundles.banner(), (
        f"{bundle.relative_to(settings.BASE_DIR)} is older than static/js or static/css:"
        " run make bundles and commit the result"
    )


def test_the_script_bundle_holds_every_page_module():
    entry = (bundles.STATIC / "js" / "site.js").read_text(encoding="utf-8")
    imported = set(re.findall(r'^import "\./([\w-]+\.js)";$', entry, re.M))
    modules = {path.name for path in (bundles.STATIC / "js").glob("*.js")}
    # live-stream.js and suggestion-list.js are imported by the modules that use them
    assert imported == modules - {"site.js", "live-stream.js", "suggestion-list.js"}


def test_the_stylesheet_bundle_holds_every_stylesheet_but_the_progress_print_sheet():
    entry = (bundles.STATIC / "css" / "bundle.css").read_text(encoding="utf-8")
    imported = set(re.findall(r'^@import "([\w-]+\.css)"', entry, re.M))
    sheets = {path.name for path in (bundles.STATIC / "css").glob("*.css")}
    assert imported == sheets - {"bundle.css", "progress-print.css"}


@pytest.mark.django_db
def test_a_topic_page_asks_for_one_stylesheet_the_catalogue_and_one_script(login, board, member):
    topic = make_topic(member, board)
    page = login(member).get(topic.get_absolute_url()).content.decode()

    assert STYLESHEET.findall(page) == [("/static/bundles/site.css", "")]
    assert SCRIPT.findall(page) == ["/static/js/i18n/ja/djangojs.js", "/static/bundles/site.js"]
    assert 'rel="icon" href="data:image/svg+xml,' in page


@pytest.mark.django_db
def test_signed_out_pages_load_the_same_bundle(client):
    page = client.get("/accounts/signup/").content.decode()

    assert SCRIPT.findall(page) == ["/static/js/i18n/ja/djangojs.js", "/static/bundles/site.js"]
