"""Private conversation pages meet the same bar as the rest of the site: axe-core finds no
serious or critical problem, for a participant and for a site moderator reading a report, in
Japanese and in English, including a form that came back with errors."""

import pytest

from conversations import services
from tests.accessibility.test_axe_every_page import (
    LANGUAGES,
    check_pages,
    problems_on,
    submit_without_browser_validation,
)
from tests.conversations.conftest import veteran

pytestmark = pytest.mark.browser


@pytest.fixture
def talk(transactional_db):
    asker = veteran(full_name="田中 太郎", display_name="田中")
    expert = veteran(full_name="佐藤 花子", display_name="佐藤")
    moderator = veteran(full_name="山田 花子", is_site_moderator=True)
    conversation = services.start_conversation(
        asker, [expert], "**返還金**の分割納付について", title="分割納付"
    )
    first = conversation.messages.get()
    services.edit_message(asker, first, "**返還金**の分割納付について教えてください")
    reply = services.send_message(expert, conversation, "> 分割納付\n\n課長決裁です。", first)
    services.report_message(asker, reply, "other", "確認をお願いします")
    return {
        "asker": asker,
        "expert": expert,
        "moderator": moderator,
        "conversation": conversation,
        "first": first,
        "reply": reply,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_conversation_pages_have_no_serious_problems(open_tab, talk, language):
    conversation, first = talk["conversation"], talk["first"]
    page = open_tab(talk["asker"], language=language)
    found = check_pages(
        page,
        [
            ("/conversations/", 200),
            ("/conversations/new/?q=佐藤", 200),
            (f"/conversations/new/?to={talk['expert'].pk}", 200),
            (f"/conversations/{conversation.pk}/", 200),
            (f"/conversations/{conversation.pk}/participants/?q=佐藤", 200),
            (f"/conversations/messages/{first.pk}/edit/", 200),
            (f"/conversations/messages/{first.pk}/history/", 200),
            (f"/conversations/messages/{talk['reply'].pk}/report/", 200),
            ("/conversations/settings/", 200),
            (f"/members/{talk['expert'].pk}/", 200),
        ],
        language,
    )
    page.goto(f"/conversations/messages/{talk['reply'].pk}/report/")
    submit_without_browser_validation(page, "main form")
    assert page.locator(".errorlist, [aria-invalid=true]").count() > 0
    found += problems_on(page)
    moderator = open_tab(talk["moderator"], language=language)
    report = talk["reply"].reports.get()
    found += check_pages(
        moderator,
        [("/conversations/reports/", 200), (f"/conversations/reports/{report.pk}/", 200)],
        language,
    )
    assert found == []
