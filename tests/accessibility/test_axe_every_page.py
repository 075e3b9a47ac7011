"""JIS X 8341-3:2016 level AA (WCAG 2.1 AA): axe-core finds no serious or critical problem on any
page type, as each role sees it, in Japanese and in English."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

LANGUAGES = ["ja", "en"]
BLOCKING = {"serious", "critical"}
axe = Axe()  # injects the axe.min.js bundled with the package: no request leaves the site


def problems_on(page) -> list[str]:
    results = axe.run(page).response
    return [
        f"{page.url} [{violation['impact']}] {violation['id']}: {violation['help']} — "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
    ]


def check_pages(page, paths: list[tuple[str, int]], language: str) -> list[str]:
    """Visit each path, check its status, its language and what axe says."""
    found = []
    for path, status in paths:
        response = page.goto(path)
        assert response.status == status, f"{path} answered {response.status}"
        assert page.evaluate("document.documentElement.lang") == language
        found += problems_on(page)
    return found


def submit_without_browser_validation(page, form_selector: str, button: str | None = None):
    page.eval_on_selector(form_selector, "form => { form.noValidate = true; }")
    target = f"{form_selector} button[type=submit]" + (f"[name={button}]" if button else "")
    with page.expect_navigation():
        page.locator(target).first.click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_signed_out_pages_have_no_serious_problems(open_tab, site, language):
    page = open_tab(language=language)
    found = check_pages(
        page,
        [
            ("/", 200),
            ("/accounts/password/reset/", 200),
            ("/account/suspended/", 403),
            ("/accounts/login/", 200),
        ],
        language,
    )
    page.fill("input[name=login]", "nobody@city.habikino.lg.jp")
    page.fill("input[name=password]", "wrong-password")
    submit_without_browser_validation(page, "form[action*='login']")
    assert page.locator(".errorlist, [aria-invalid=true]").count() > 0
    found += problems_on(page)

    found += check_pages(page, [("/accounts/signup/", 200)], language)
    page.fill("input[name=email]", "someone@gmail.com")
    submit_without_browser_validation(page, "form[action*='signup']")
    assert page.locator(".errorlist, [aria-invalid=true]").count() > 0
    found += problems_on(page)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_applicant_and_suspended_pages_have_no_serious_problems(open_tab, site, language):
    found = check_pages(
        open_tab(site["pending"], language=language), [("/account/status/", 200)], language
    )
    found += check_pages(
        open_tab(site["suspended"], language=language), [("/account/suspended/", 403)], language
    )
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_member_pages_have_no_serious_problems(open_tab, site, language):
    asker, topic, edited = site["asker"], site["topic"], site["edited"]
    page = open_tab(asker, language=language)
    found = check_pages(
        page,
        [
            ("/", 200),
            ("/boards/", 200),
            ("/boards/vaccination/", 200),
            ("/boards/vaccination/?filter=unsolved&sort=new", 200),
            (f"/topics/{topic.pk}/", 200),
            (f"/posts/{edited.pk}/edit/", 200),
            (f"/posts/{edited.pk}/history/", 200),
            (f"/posts/{site['answer'].pk}/helpful/people/", 200),
            (f"/posts/{site['answer'].pk}/flag/", 200),
            (f"/members/{site['answerer'].pk}/", 200),
            ("/account/profile/", 200),
            ("/members/", 200),
            ("/search/?q=バイアル", 200),
            ("/search/?q=存在しない言葉", 200),
            ("/notifications/", 200),
            ("/notifications/preferences/", 200),
            ("/for-your-department/", 200),
            ("/no-such-page/", 404),
            ("/moderation/log/", 403),
        ],
        language,
    )
    found += check_pages(page, [("/boards/vaccination/new/", 200)], language)
    page.fill("input[name=title]", "集団接種会場のレイアウト")
    page.fill("textarea[name=body]", "**太字**と\n\n- 箇条書き")
    submit_without_browser_validation(page, "form.post-form", "preview")
    assert page.locator(".preview").count() == 1
    found += problems_on(page)
    page.fill("input[name=title]", "")
    page.fill("textarea[name=body]", "")
    submit_without_browser_validation(page, "form.post-form", "post")
    assert page.locator(".errorlist").count() > 0
    found += problems_on(page)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_moderator_pages_have_no_serious_problems(open_tab, site, language):
    board_pages = "/boards/vaccination/moderation/"
    found = check_pages(
        open_tab(site["board_moderator"], language=language),
        [
            ("/moderation/", 200),
            (board_pages, 200),
            ("/boards/procurement/moderation/", 200),
            (board_pages + "members/", 200),
            (board_pages + "log/", 200),
            (board_pages + "settings/", 200),
            (f"/posts/{site['flagged'].pk}/moderate/", 200),
            (f"/topics/{site['topic'].pk}/moderate/", 200),
            (f"/topics/{site['topic'].pk}/", 200),
        ],
        language,
    )
    found += check_pages(
        open_tab(site["site_moderator"], language=language),
        [
            ("/moderation/", 200),
            ("/moderation/verification/", 200),
            ("/moderation/domains/", 200),
            ("/moderation/log/", 200),
            ("/moderation/boards/new/", 200),
        ],
        language,
    )
    assert not found, "\n".join(found)
