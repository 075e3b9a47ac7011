"""Before the Saturday meeting: two colleagues from different cities fill the same progress
table; each sees the other's row appear without reloading, in prefecture order, and the
summary and chart follow."""

import re

from progress import services
from tests.factories import BoardFactory, MembershipFactory, MunicipalityFactory, UserFactory

REFUSE_WEBSOCKETS = """
window.WebSocket = class {
  constructor() { this.listeners = {};
    setTimeout(() => (this.listeners.close || []).forEach((f) => f({ code: 1006 })), 10); }
  addEventListener(type, listener) { (this.listeners[type] ||= []).push(listener); }
  close() {}
};
"""

REFUSE_EVENT_STREAMS = """
window.EventSource = class {
  constructor() { this.listeners = {};
    setTimeout(() => (this.listeners.error || []).forEach((f) => f({})), 10); }
  addEventListener(type, listener) { (this.listeners[type] ||= []).push(listener); }
  close() {}
};
"""


def scene():
    board = BoardFactory(slug="vaccination", name_ja="予防接種")
    kobe = MunicipalityFactory(
        code="281000", prefecture="兵庫県", name="神戸市", kind="designated_city"
    )
    sapporo = MunicipalityFactory(
        code="011002", prefecture="北海道", name="札幌市", kind="designated_city"
    )
    tanaka = MembershipFactory(
        board=board, user=UserFactory(full_name="田中 一郎", municipality=kobe)
    ).user
    sasaki = MembershipFactory(
        board=board, user=UserFactory(full_name="佐々木 恵", municipality=sapporo)
    ).user
    table = services.define_table(
        tanaka,
        board,
        title="3回目接種の進捗",
        columns=[
            {"question": "65歳以上の接種率", "kind": "percentage"},
            {"question": "累計接種者数", "kind": "number", "unit": "人"},
        ],
    )
    return table, tanaka, sasaki


def live(page, mode: str) -> None:
    """Wait until the page's live channel is in ``mode`` (no script evaluation: the site's
    Content-Security-Policy forbids it)."""
    page.locator(f'#progress-table[data-live="{mode}"]').wait_for(state="attached")


def row_names(page) -> list[str]:
    return page.locator("#progress-rows .org__name").all_inner_texts()


def fill_own_row(page, rate: str, people: str):
    fields = page.locator("#row-form input[type=text]")
    fields.nth(0).fill(rate)
    fields.nth(1).fill(people)
    page.get_by_role("button", name="自団体の行を保存").click()
    page.wait_for_load_state()


def test_two_cities_fill_the_same_table_and_see_each_other_live(page_for):
    table, tanaka, sasaki = scene()
    kobe_page = page_for(tanaka)
    sapporo_page = page_for(sasaki)
    for page in (kobe_page, sapporo_page):
        page.goto(f"/progress/{table.pk}/")
        live(page, "websocket")

    fill_own_row(kobe_page, "８５％", "１２，３４５")
    assert row_names(kobe_page) == ["神戸市"]
    live(kobe_page, "websocket")

    # Sapporo's page, not reloaded, shows Kobe's row, the summary and the chart.
    live_row = sapporo_page.locator("#progress-rows tr", has_text="神戸市")
    live_row.wait_for()
    assert "85%" in live_row.inner_text() and "12,345人" in live_row.inner_text()
    assert "回答数" in sapporo_page.locator("#progress-summary").inner_text()
    assert sapporo_page.locator("[data-answered]").inner_text() == "1団体が回答"
    chart_text = sapporo_page.locator("#progress-charts svg desc").first.text_content()
    assert "80–90% 1" in chart_text

    fill_own_row(sapporo_page, "62.5", "9800")
    # Kobe's page gets Sapporo's row live, placed before Kobe (北海道 comes first).
    kobe_page.locator("#progress-rows tr", has_text="札幌市").wait_for()
    assert row_names(kobe_page) == ["札幌市", "神戸市"]
    kobe_page.locator("#progress-charts svg desc", has_text="60–70% 1").first.wait_for(
        state="attached"
    )
    assert kobe_page.locator("[data-organisation]").count() == 0  # nobody left to answer
    median = kobe_page.locator("#progress-summary tr").nth(1).inner_text()
    assert "73.8%" in median  # the median of 62.5 and 85, rounded to one decimal
    kobe_page.screenshot(path="test-artifacts/progress-live-kobe.png", full_page=True)
    sapporo_page.screenshot(path="test-artifacts/progress-live-sapporo.png", full_page=True)

    # The page after the live updates equals the page after a reload.
    def table_html(page):
        html = page.locator("#progress-rows").evaluate("element => element.outerHTML")
        return re.sub(r' class="progress-row progress-row--new"', ' class="progress-row"', html)

    live_html = table_html(kobe_page)
    kobe_page.reload()
    assert table_html(kobe_page) == live_html


def test_rows_arrive_over_server_sent_events_when_websockets_are_refused(page_for):
    table, tanaka, sasaki = scene()
    reader = page_for(tanaka, init_script=REFUSE_WEBSOCKETS)
    reader.goto(f"/progress/{table.pk}/")
    live(reader, "stream")
    assert "HTTP" in reader.locator("#progress-live-notice").inner_text()
    services.save_row(sasaki, table, {str(table.columns.first().pk): "70"}, 0)
    reader.locator("#progress-rows tr", has_text="札幌市").wait_for(timeout=15_000)


def test_rows_arrive_by_polling_when_websockets_and_event_streams_are_refused(page_for):
    table, tanaka, sasaki = scene()
    reader = page_for(tanaka, init_script=REFUSE_WEBSOCKETS + REFUSE_EVENT_STREAMS)
    reader.goto(f"/progress/{table.pk}/")
    live(reader, "polling")
    services.save_row(sasaki, table, {str(table.columns.first().pk): "70"}, 0)
    reader.locator("#progress-rows tr", has_text="札幌市").wait_for(timeout=15_000)
