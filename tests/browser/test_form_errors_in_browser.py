"""A refused form puts the keyboard focus on what to fix, and keeps what was typed."""

from tests.factories import BoardFactory, MembershipFactory


def test_a_question_without_a_title_comes_back_with_the_focus_on_the_title(page_for):
    board = BoardFactory(slug="welfare", name_ja="生活保護")
    newcomer = MembershipFactory(board=board, user__full_name="田中 太郎").user
    page = page_for(newcomer)
    page.goto("/boards/welfare/new/")
    page.locator("textarea[name=body]").fill("4月に異動しました。訪問計画はどう立てていますか。")
    page.locator("form.post-form button[name=post]").click()
    page.wait_for_load_state()

    focused = page.evaluate("document.activeElement.name")
    assert focused == "title"
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    assert "訪問計画" in page.locator("textarea[name=body]").input_value()
    page.screenshot(path="test-artifacts/question-without-title.png", full_page=True)


def test_a_page_without_errors_leaves_the_focus_alone(page_for):
    board = BoardFactory(slug="welfare", name_ja="生活保護")
    newcomer = MembershipFactory(board=board).user
    page = page_for(newcomer)
    page.goto("/boards/welfare/new/")
    assert page.evaluate("document.activeElement === document.body")
