"""Large text and small screens (WCAG 1.4.4 and 1.4.10): at 320 CSS pixels, which is a 640-pixel
window at 200 % zoom, and with the browser's text size doubled, no page scrolls sideways.
Printing a topic for the section chief shows the question, the accepted answer and the replies,
without navigation or forms."""

import pytest

pytestmark = pytest.mark.browser

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter((element) => element.getBoundingClientRect().right > innerWidth + 1)
  .slice(0, 5).map((element) => element.tagName + '.' + element.className)"""


def pages_of(site) -> dict[str, list[str]]:
    topic, answer = site["topic"], site["answer"]
    return {
        "signed_out": ["/", "/accounts/login/", "/accounts/signup/"],
        "asker": [
            "/",
            "/boards/",
            "/boards/vaccination/",
            f"/topics/{topic.pk}/",
            "/boards/vaccination/new/",
            f"/posts/{site['edited'].pk}/history/",
            f"/posts/{answer.pk}/helpful/people/",
            "/search/?q=バイアル",
            "/members/",
            f"/members/{site['answerer'].pk}/",
            "/account/profile/",
            "/notifications/",
            "/notifications/preferences/",
            "/for-your-department/",
        ],
        "board_moderator": [
            "/moderation/",
            "/boards/vaccination/moderation/",
            "/boards/vaccination/moderation/members/",
            "/boards/vaccination/moderation/log/",
            f"/posts/{site['flagged'].pk}/moderate/",
            f"/topics/{topic.pk}/moderate/",
        ],
        "site_moderator": ["/moderation/verification/", "/moderation/log/"],
    }


def sideways_scrolling(open_tab, site, *, large_text: bool, **viewport) -> list[str]:
    found = []
    for role, paths in pages_of(site).items():
        user = None if role == "signed_out" else site[role]
        page = open_tab(user, **viewport)
        for path in paths:
            page.goto(path)
            if large_text:
                page.evaluate("document.documentElement.style.fontSize = '200%'")
            if page.evaluate(OVERFLOW) > 0:
                found.append(f"{role} {path}: {page.evaluate(WIDEST)}")
    return found


def test_nothing_scrolls_sideways_at_320_css_pixels(open_tab, site):
    viewport = {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 2}
    found = sideways_scrolling(open_tab, site, large_text=False, **viewport)
    assert not found, "\n".join(found)

    page = open_tab(site["asker"], **viewport)
    page.goto(f"/topics/{site['topic'].pk}/")
    page.screenshot(path="test-artifacts/topic-320px.png", full_page=True)
    page.goto("/boards/vaccination/")
    page.screenshot(path="test-artifacts/board-320px.png", full_page=True)


def test_nothing_scrolls_sideways_with_text_at_200_percent(open_tab, site):
    found = sideways_scrolling(
        open_tab, site, large_text=True, viewport={"width": 640, "height": 800}
    )
    assert not found, "\n".join(found)


def test_a_printed_topic_shows_the_question_the_answer_and_the_replies(open_tab, site):
    page = open_tab(site["asker"])
    page.goto(f"/topics/{site['topic'].pk}/")
    page.emulate_media(media="print")

    for hidden in [
        ".site-header",
        ".site-footer",
        ".breadcrumb",
        "#reply",
        ".post__actions",
        ".skip-link",
    ]:
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("form:visible").count() == 0
    assert page.locator("nav:visible").count() == 0
    assert page.locator("h1").is_visible()
    assert page.locator("#post-1").is_visible()  # the question
    assert page.locator("#accepted-answer .accepted-answer").is_visible()
    assert page.locator("#post-2").is_visible()  # the accepted reply in its place
    assert page.locator("#post-3").is_visible()
    page.screenshot(path="test-artifacts/topic-print.png", full_page=True)
    page.pdf(path="test-artifacts/topic-print.pdf", format="A4")
