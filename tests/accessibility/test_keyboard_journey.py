"""Keyboard only (Tab, Enter, Space and typing; no mouse): sign in, open a board, ask a question,
see a colleague's reply arrive and accept it. Focus is visible wherever it lands."""

import threading

import pytest

from tests.accessibility.test_axe_every_page import problems_on
from tests.factories import BoardFactory, MembershipFactory, make_reply

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    name: element.getAttribute("name") || "",
    text: (element.innerText || element.value || "").trim(),
    href: element.getAttribute("href") || "",
    outline: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
  };
}"""


def tab_to(page, matches, limit=60) -> dict:
    """Press Tab until the focused element satisfies ``matches``; fail after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if matches(focused):
            return focused
    raise AssertionError(f"Tab never reached the element; last focus was {focused}")


def assert_focus_visible(focused: dict):
    assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, focused


def reply_from_another_thread(author, topic, body):
    """The test thread runs Playwright's event loop; the live event must be sent from outside it."""
    worker = threading.Thread(target=make_reply, args=(author, topic, body))
    worker.start()
    worker.join(timeout=10)


def test_a_member_asks_and_accepts_an_answer_with_the_keyboard_alone(open_tab, transactional_db):
    board = BoardFactory(slug="vaccination", name_ja="予防接種", name_en="Vaccination")
    asker = MembershipFactory(board=board, user__full_name="山田 花子").user
    answerer = MembershipFactory(board=board, user__full_name="佐藤 健").user
    page = open_tab()

    page.goto("/accounts/login/")
    skip = tab_to(page, lambda f: f["href"] == "#main")
    assert_focus_visible(skip)
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # on screen once focused
    assert_focus_visible(tab_to(page, lambda f: f["name"] == "login"))
    page.keyboard.type(asker.email)
    # "Forgot your password?" is the password field's help, before it as on every form here.
    assert_focus_visible(tab_to(page, lambda f: "/accounts/password/reset/" in (f["href"] or "")))
    assert_focus_visible(tab_to(page, lambda f: f["name"] == "password"))
    page.keyboard.type("correct-horse-battery-42")
    assert_focus_visible(tab_to(page, lambda f: f["tag"] == "button" and "ログイン" in f["text"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    boards = tab_to(page, lambda f: f["href"] == "/boards/")
    assert_focus_visible(boards)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, lambda f: f["href"] == "/boards/vaccination/")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ask = tab_to(page, lambda f: f["href"] == "/boards/vaccination/new/")
    assert_focus_visible(ask)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    tab_to(page, lambda f: f["name"] == "title")
    page.keyboard.type("バイアル用クッションの代わりは？")
    tab_to(page, lambda f: f["name"] == "body")
    page.keyboard.type("モデルナのバイアルが合いません。皆さんどうしていますか？")
    assert_focus_visible(tab_to(page, lambda f: f["name"] == "post"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "バイアル用クッションの代わりは？"
    topic = board.topics.get()
    page.wait_for_function("window.liveTopic && window.liveTopic.mode")

    reply_from_another_thread(answerer, topic, "ファイザー用のクッションを切って使っています。")
    page.locator("#post-2").wait_for()
    assert "新しい返信" in page.locator("#live-announcer").inner_text()
    assert problems_on(page) == []  # the live reply brings no new problem either

    accept = tab_to(page, lambda f: f["text"] == "解決した回答に選ぶ", limit=120)
    assert_focus_visible(accept)
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "佐藤 健" in page.locator("#accepted-answer").inner_text()
    assert page.locator("#solved-badge").is_visible()
    page.screenshot(path="test-artifacts/keyboard-journey.png", full_page=True)


def test_a_newcomer_finds_and_uses_a_fields_page_with_the_keyboard_alone(open_tab, site):
    """After a transfer: from the list of fields, find the field of the new department, join its
    boards, read the guide, add the year's work to the calendar and see who changed it."""
    from fields.models import CalendarEntry, DepartmentAlias, Field, GuideRevision
    from fields.registry import load_registry

    load_registry(Field, DepartmentAlias)
    field = Field.objects.get(slug="vaccination")
    field.boards.add(site["approval"], BoardFactory(slug="vaccine-open", name_ja="接種の実務"))
    GuideRevision.objects.create(field=field, number=1, body="# 最初に\n- 実施要領を読む")
    newcomer = MembershipFactory(board=site["approval"], user__full_name="新人 太郎").user
    newcomer.memberships.all().delete()
    page = open_tab(newcomer)

    page.goto("/fields/")
    tab_to(page, lambda f: f["name"] == "department")
    page.keyboard.type("予防接種課")
    assert_focus_visible(tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "分野を探す"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/fields/vaccination/")

    join_all = tab_to(page, lambda f: f["text"] == "この分野の掲示板にすべて参加する")
    assert_focus_visible(join_all)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "参加しました" in page.locator(".messages").inner_text()
    states = dict(newcomer.memberships.values_list("board__slug", "state"))
    assert states == {"vaccine-open": "active", "procurement": "pending"}

    guide = tab_to(page, lambda f: f["href"] == "/fields/vaccination/guide/")
    assert_focus_visible(guide)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "実施要領を読む" in page.locator("main").inner_text()
    tab_to(page, lambda f: f["href"] == "/fields/vaccination/")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    calendar = tab_to(page, lambda f: f["href"] == "/fields/vaccination/calendar/", limit=120)
    assert_focus_visible(calendar)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_focus_visible(tab_to(page, lambda f: f["name"] == "month", limit=120))
    for _ in range(6):  # April is first: six down is October
        page.keyboard.press("ArrowDown")
    assert page.eval_on_selector("select[name=month]", "select => select.value") == "10"
    page.keyboard.press("Tab")
    page.keyboard.type("予算要求")
    assert_focus_visible(tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "追加"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    entry = CalendarEntry.objects.get(field=field)
    assert (entry.month, entry.title, entry.created_by) == (10, "予算要求", newcomer)

    history = tab_to(page, lambda f: f["href"] == "/fields/vaccination/calendar/history/")
    assert_focus_visible(history)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "新人 太郎" in page.locator("main").inner_text()
    assert problems_on(page) == []
    page.screenshot(path="test-artifacts/keyboard-journey-field.png", full_page=True)
