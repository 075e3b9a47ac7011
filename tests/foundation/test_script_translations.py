"""Script text is translated through Django's JavaScript catalogue, served as one static file
per language (static/js/i18n/<language>/djangojs.js): no per-page request to a view."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.factories import make_topic

ROOT = Path(settings.BASE_DIR)
CALLS = re.compile(r'\b(?:gettext|ngettext)\(\s*"((?:[^"\\]|\\.)*)"')


def script_msgids() -> set[str]:
    found = set()
    for script in (ROOT / "static" / "js").glob("*.js"):
        found |= set(CALLS.findall(script.read_text()))
    return found


def test_every_script_string_has_a_japanese_translation():
    catalogue = gettext.translation("djangojs", ROOT / "locale", ["ja"])
    msgids = script_msgids()
    assert "Live updates are paused. Trying to reconnect…" in msgids
    untranslated = {msgid for msgid in msgids if catalogue.gettext(msgid) == msgid}
    assert untranslated == set()


def test_the_committed_catalogue_files_match_the_translations(tmp_path):
    call_command("compilejsi18n", outputdir=str(tmp_path), verbosity=0)
    for language, _name in settings.LANGUAGES:
        built = (tmp_path / language / "djangojs.js").read_text()
        committed = ROOT / "static" / "js" / "i18n" / language / "djangojs.js"
        assert committed.read_text() == built, f"run manage.py compilejsi18n ({language})"


@pytest.mark.django_db
def test_a_topic_page_loads_its_language_catalogue_as_a_static_file(login, board, member):
    topic = make_topic(member, board)
    page = login(member).get(topic.get_absolute_url()).content.decode()
    assert '<script src="/static/js/i18n/ja/djangojs.js"></script>' in page
    board_page = login(member).get(board.get_absolute_url()).content.decode()
    assert "/static/js/i18n/ja/djangojs.js" in board_page
