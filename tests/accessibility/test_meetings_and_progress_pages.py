"""Meetings and progress tables meet the same bar as every page: axe-core finds no serious or
critical problem (Japanese and English, with form errors showing), the table works at 320 px
without the page scrolling sideways, and it prints without forms or controls."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Municipality
from meetings import services as meetings
from progress import services as progress
from tests.accessibility.test_axe_every_page import check_pages, problems_on
from tests.browser.test_content_security_policy import LISTEN
from tests.factories import BoardFactory, MembershipFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def evening(transactional_db):
    board = BoardFactory(slug="vaccination", name_ja="予防接種", name_en="Vaccination")
    kobe = MunicipalityFactory(
        code="281000", prefecture="兵庫県", name="神戸市", kind=Municipality.Kind.DESIGNATED_CITY
    )
    host = MembershipFactory(board=board, user=UserFactory(full_name="田中 一郎")).user
    colleague = MembershipFactory(
        board=board, user=UserFactory(full_name="佐々木 恵", municipality=kobe)
    ).user
    meeting = meetings.schedule_meeting(
        host,
        board,
        title="3回目接種の進め方 意見交換会",
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=90,
        video_url="https://meet.city.kobe.lg.jp/j/1",
        capacity=1,
        description="予約枠の埋め方",
    )
    meetings.answer_rsvp(colleague, meeting, "attending")  # waits: the host holds the seat
    table = progress.define_table(
        host,
        board,
        title="3回目接種の進捗",
        columns=[
            {"question": "65歳以上の接種率", "kind": "percentage"},
            {"question": "累計接種者数", "kind": "number", "unit": "人"},
            {"question": "予約方法", "kind": "choice", "choices": ["Web", "電話"]},
        ],
    )
    columns = list(table.columns.order_by("position"))
    row = progress.save_row(colleague, table, {columns[0].key: "85", columns[1].key: "1200"}, 0)
    poll = progress.create_poll(host, board, question="本人確認は何点？", choices=["1点", "2点"])
    return board, host, colleague, meeting, table, row, poll


@pytest.mark.parametrize("language", ["ja", "en"])
def test_meeting_and_progress_pages_have_no_serious_problems(open_tab, evening, language):
    board, host, _colleague, meeting, table, row, poll = evening
    page = open_tab(host, language=language)
    found = check_pages(
        page,
        [
            (f"/boards/{board.slug}/", 200),
            ("/", 200),
            (f"/boards/{board.slug}/meetings/", 200),
            (f"/boards/{board.slug}/meetings/new/", 200),
            (f"/meetings/{meeting.pk}/", 200),
            (f"/meetings/{meeting.pk}/edit/", 200),
            (f"/meetings/{meeting.pk}/cancel/", 200),
            ("/meetings/calendar/", 200),
            (f"/boards/{board.slug}/progress/", 200),
            (f"/boards/{board.slug}/progress/new/", 200),
            (f"/boards/{board.slug}/progress/poll/", 200),
            (f"/progress/{table.pk}/", 200),
            (f"/progress/{poll.pk}/", 200),
            (f"/progress/{table.pk}/rows/{row.pk}/history/", 200),
        ],
        language,
    )
    # Errors showing: a percentage of 140 and a wrong date on the row form.
    page.goto(f"/progress/{table.pk}/")
    page.locator("#row-form input[type=text]").first.fill("140")
    with page.expect_navigation():
        page.locator("#row-form button[type=submit]").click()
    assert page.locator("[aria-invalid=true]").count() == 1
    found += problems_on(page)
    assert found == []


def test_the_table_reflows_at_320_pixels_and_prints_without_controls(open_tab, evening):
    _board, host, _colleague, _meeting, table, _row, _poll = evening
    page = open_tab(host, viewport={"width": 320, "height": 800})
    page.goto(f"/progress/{table.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path="test-artifacts/progress-320.png", full_page=True)
    page.emulate_media(media="print")
    assert page.locator("#progress-table").is_visible()
    assert not page.locator("#row-form").is_visible()
    assert not page.locator(".table-options").is_visible()
    page.screenshot(path="test-artifacts/progress-print.png", full_page=True)


def test_live_table_and_meeting_pages_keep_to_the_content_security_policy(open_tab, evening):
    _board, host, colleague, meeting, table, _row, poll = evening
    page = open_tab(colleague, init_script=LISTEN)
    violations = []
    for path in (f"/progress/{table.pk}/", f"/progress/{poll.pk}/", f"/meetings/{meeting.pk}/"):
        page.goto(path)
        page.wait_for_timeout(500)  # the live socket opens
        violations += page.evaluate("window.__cspViolations")
    page.goto(f"/progress/{table.pk}/")
    page.locator('#progress-table[data-live="websocket"]').wait_for(state="attached")
    writer = open_tab(host)
    writer.goto(f"/progress/{table.pk}/")
    writer.locator("#row-form input[type=text]").first.fill("70")
    with writer.expect_navigation():
        writer.locator("#row-form button[type=submit]").click()
    page.locator("#progress-rows tr", has_text="羽曳野市").wait_for()
    violations += page.evaluate("window.__cspViolations")
    assert violations == []
