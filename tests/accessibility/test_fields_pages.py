"""The pages of fields of work meet JIS X 8341-3 / WCAG 2.1 AA (axe-core: nothing serious or
critical), in Japanese and English, and reflow at 320 px without sideways scrolling."""

import datetime

import pytest

from accounts.models import Assignment
from fields import services
from fields.models import DepartmentAlias, Field, GuideRevision
from fields.registry import load_registry
from forums.models import Board

from .test_axe_every_page import (
    LANGUAGES,
    check_pages,
    problems_on,
    submit_without_browser_validation,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def fields_site(site):
    load_registry(Field, DepartmentAlias)
    field = Field.objects.get(slug="vaccination")
    field.boards.add(Board.objects.get(slug="vaccination"))
    GuideRevision.objects.create(field=field, number=1, body="# 最初に\n- 実施要領を読む")
    GuideRevision.objects.create(field=field, number=2, body="# 最初に\n- 実施要領を読む\n- 挨拶")
    member = site["asker"]
    entry = services.add_calendar_entry(member, field, month=4, title="接種券の一斉発送")
    services.update_calendar_entry(member, entry, month=4, title="接種券の発送", description="4月")
    member.ask_me = True
    member.save()
    Assignment.objects.create(
        user=member,
        municipality=member.municipality,
        department="予防接種課",
        started_on=datetime.date(2019, 4, 1),
    )
    note = services.write_handover_note(
        member, field, title="引継書", body="## 年間\n4月は接種券", is_shared=True
    )
    services.update_handover_note(
        member, note, title="引継書", body="## 年間\n4月は接種券\n9月は案内", is_shared=True
    )
    return {**site, "note": note, "member": member, "entry": entry}


def pages(note, entry) -> list[tuple[str, int]]:
    return [
        ("/fields/", 200),
        ("/fields/vaccination/", 200),
        ("/fields/vaccination/guide/", 200),
        ("/fields/vaccination/guide/edit/", 200),
        ("/fields/vaccination/guide/history/", 200),
        ("/fields/vaccination/guide/history/2/", 200),
        ("/fields/vaccination/calendar/", 200),
        ("/fields/vaccination/calendar/history/", 200),
        (f"/fields/vaccination/calendar/{entry.pk}/", 200),
        ("/fields/vaccination/handover/new/", 200),
        (f"/fields/handover/{note.pk}/", 200),
        (f"/fields/handover/{note.pk}/history/", 200),
        (f"/fields/handover/{note.pk}/history/2/", 200),
        ("/boards/vaccination/", 200),
        ("/fields/people/?field=vaccination", 200),
        ("/for-your-department/?department=まちの未来推進室", 200),
        ("/account/assignments/", 200),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_fields_pages_have_no_serious_problems(open_tab, fields_site, language):
    page = open_tab(fields_site["member"], language=language)
    found = check_pages(page, pages(fields_site["note"], fields_site["entry"]), language)
    page.goto("/account/assignments/")
    page.fill("input[name=department]", "")
    submit_without_browser_validation(page, "form[novalidate]")
    assert page.locator("[aria-invalid=true]").count() > 0
    found += problems_on(page)
    assert not found, "\n".join(found)


def test_fields_pages_reflow_at_320_px(open_tab, fields_site):
    page = open_tab(fields_site["member"], viewport={"width": 320, "height": 640})
    for path, _status in pages(fields_site["note"], fields_site["entry"]):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide"


MODERATOR_PAGES = [("/fields/new/", 200), ("/fields/vaccination/manage/", 200)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_moderators_registry_pages_have_no_serious_problems(open_tab, fields_site, language):
    page = open_tab(fields_site["site_moderator"], language=language)
    found = check_pages(page, MODERATOR_PAGES, language)
    page.goto("/fields/new/")
    page.fill("input[name=slug]", "vaccination")
    page.fill("textarea[name=department_names]", "予防接種課")
    submit_without_browser_validation(page, "form[novalidate]")
    assert page.locator("[aria-invalid=true]").count() >= 2
    found += problems_on(page)
    assert not found, "\n".join(found)


def test_moderators_registry_pages_reflow_at_320_px(open_tab, fields_site):
    page = open_tab(fields_site["site_moderator"], viewport={"width": 320, "height": 640})
    for path, _status in MODERATOR_PAGES:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide"
    page.screenshot(path="test-artifacts/field-manage-320.png", full_page=True)
