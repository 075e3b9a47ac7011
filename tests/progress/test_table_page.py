"""The table page: prefecture order, filters, the summary row, the charts with their text, the
list of organisations that have not answered (for the host), polls, the board setting, and a
fixed number of queries however many rows."""

import re

import pytest

from accounts.models import local_government_check_digit
from progress import services
from progress.models import ProgressTable
from progress.stats import quartiles
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from tests.progress.conftest import typed

pytestmark = pytest.mark.django_db

RATES = {"与那国町": "90", "札幌市": "70", "羽曳野市": "80", "神戸市": "60"}


@pytest.fixture
def filled(table, columns, staff):
    for name, rate in RATES.items():
        services.save_row(
            staff[name], table, typed(columns, rate, "1000", "R7.4.1", "はい", "Web"), 0
        )
    return table


def names_in_order(page: str) -> list[str]:
    return re.findall(r'<span class="org__name">([^<]+)</span>', page)


def test_rows_are_in_local_government_code_order_from_hokkaido_to_okinawa(login, filled, author):
    page = login(author).get(f"/progress/{filled.pk}/").content.decode()
    assert names_in_order(page) == ["札幌市", "羽曳野市", "神戸市", "与那国町"]


def test_sort_by_kind_and_by_a_column(login, filled, author, columns):
    client = login(author)
    by_kind = client.get(f"/progress/{filled.pk}/?sort=kind").content.decode()
    assert names_in_order(by_kind) == ["札幌市", "神戸市", "羽曳野市", "与那国町"]
    by_rate = client.get(f"/progress/{filled.pk}/?sort=col-{columns[0].pk}&order=desc")
    assert names_in_order(by_rate.content.decode()) == ["与那国町", "羽曳野市", "札幌市", "神戸市"]


def test_filter_by_prefecture_and_by_kind(login, filled, author):
    client = login(author)
    assert names_in_order(client.get(f"/progress/{filled.pk}/?prefecture=28").content.decode()) == [
        "神戸市"
    ]
    assert names_in_order(
        client.get(f"/progress/{filled.pk}/?kind=designated_city").content.decode()
    ) == ["札幌市", "神戸市"]


def test_a_national_bodys_row_comes_after_the_local_governments(
    login, filled, author, board, columns
):
    """Members from ministries (no local-government code) fill rows too: after 沖縄, on every
    sort, under their own kind, in the exports."""
    ministry = MunicipalityFactory(
        code=None, national_identifier="mhlw", prefecture="", name="厚生労働省", kind="national"
    )
    official = MembershipFactory(board=board, user=UserFactory(municipality=ministry)).user
    services.save_row(official, filled, typed(columns, "75"), 0)
    client = login(author)
    page = client.get(f"/progress/{filled.pk}/").content.decode()
    assert names_in_order(page) == ["札幌市", "羽曳野市", "神戸市", "与那国町", "厚生労働省"]
    by_kind = client.get(f"/progress/{filled.pk}/?sort=kind").content.decode()
    assert names_in_order(by_kind)[-1] == "厚生労働省"
    national = client.get(f"/progress/{filled.pk}/?kind=national").content.decode()
    assert names_in_order(national) == ["厚生労働省"]
    assert "厚生労働省" in client.get(f"/progress/{filled.pk}/export.csv").content.decode(
        "utf-8-sig"
    )


def test_bad_sort_and_filter_values_fall_back_to_the_defaults(login, filled, author):
    response = login(author).get(f"/progress/{filled.pk}/?sort=<x>&prefecture=9999&kind=zzz")
    assert response.status_code == 200
    assert len(names_in_order(response.content.decode())) == 4


def test_summary_row_has_count_median_and_quartiles(login, filled, author):
    page = login(author).get(f"/progress/{filled.pk}/").content.decode()
    summary = page[page.index('id="progress-summary"') : page.index("</tfoot>")]
    q1, median, q3 = quartiles([60, 70, 80, 90])
    assert (q1, median, q3) == (67.5, 75, 82.5)
    assert ">4<" in summary and "75%" in summary and "67.5% – 82.5%" in summary
    assert "Web 4" in summary


def test_charts_are_svg_with_a_text_alternative_and_no_inline_style(login, filled, author):
    page = login(author).get(f"/progress/{filled.pk}/").content.decode()
    charts = page[page.index('id="progress-charts"') :]
    assert '<svg class="chart"' in charts and 'role="img"' in charts and "<desc" in charts
    assert "60–70%" in charts  # the figures as a table beside the chart
    assert "style=" not in page and "<style" not in page
    assert "<script>" not in page  # scripts are modules from /static/ only


def test_the_host_sees_who_has_not_answered_others_do_not(login, filled, author, staff):
    host_page = login(author).get(f"/progress/{filled.pk}/").content.decode()
    section = host_page[host_page.index('id="not-answered-heading"') :]
    assert "小笠原村" in section and "神戸市" not in section.split("</section>")[0]
    member_page = login(staff["神戸市"]).get(f"/progress/{filled.pk}/").content.decode()
    assert 'id="not-answered-heading"' not in member_page


def test_a_quick_poll_is_a_one_column_choice_table(login, author, board, staff):
    response = login(author).post(
        f"/boards/{board.slug}/progress/poll/",
        {"question": "接種券の再発行、本人確認書類は何点？", "choices": "1点\n2点\n求めていない"},
    )
    poll = ProgressTable.objects.get(kind="poll")
    assert response.status_code == 302
    [column] = poll.columns.all()
    assert column.kind == "choice" and column.choices == ["1点", "2点", "求めていない"]
    own_form = login(staff["神戸市"]).get(f"/progress/{poll.pk}/").content.decode()
    assert 'id="row-form"' in own_form
    assert "R7.4.1" not in own_form  # no tip about digits and dates for a choice
    services.save_row(staff["神戸市"], poll, {column.key: "2点"}, 0)
    page = login(author).get(f"/progress/{poll.pk}/").content.decode()
    assert "2点 1" in page


def test_defining_a_table_through_the_form_keeps_typed_columns(login, author, board):
    form = {
        "title": "防災備蓄の状況",
        "description": "",
        "deadline": "令和8年1月15日",
        "form-TOTAL_FORMS": "4",
        "form-INITIAL_FORMS": "0",
        "form-0-question": "備蓄食料",
        "form-0-kind": "number",
        "form-0-unit": "食",
        "form-1-question": "訓練の形式",
        "form-1-kind": "choice",
        "form-1-choices": "集合、オンライン、なし",
        "form-2-question": "",
        "form-2-kind": "number",
        "form-3-question": "",
        "form-3-kind": "number",
    }
    response = login(author).post(f"/boards/{board.slug}/progress/new/", form)
    table = ProgressTable.objects.get(title="防災備蓄の状況")
    assert response.status_code == 302
    assert str(table.deadline) == "2026-01-15"
    assert [(c.question, c.kind, c.unit, c.choices) for c in table.columns.all()] == [
        ("備蓄食料", "number", "食", []),
        ("訓練の形式", "choice", "", ["集合", "オンライン", "なし"]),
    ]


def test_more_questions_keeps_what_was_typed_and_shows_no_errors(login, author, board):
    form = {
        "title": "",
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-question": "備蓄食料",
        "form-0-kind": "number",
        "form-0-unit": "食",
        "form-1-question": "",
        "form-1-kind": "number",
        "more": "1",
    }
    response = login(author).post(f"/boards/{board.slug}/progress/new/", form)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="備蓄食料"' in page and 'value="食"' in page
    assert response.context["formset"].total_form_count() == 6  # 2 + 4 more
    assert "aria-invalid" not in page and "errorlist" not in page
    assert not ProgressTable.objects.exists()


def test_a_choice_question_without_choices_comes_back_with_a_message(login, author, board):
    form = {
        "title": "t",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-question": "方式",
        "form-0-kind": "choice",
        "form-0-choices": "ひとつだけ",
    }
    response = login(author).post(f"/boards/{board.slug}/progress/new/", form)
    assert response.status_code == 200
    assert "ひとつだけ" in response.content.decode()
    assert not ProgressTable.objects.exists()


def test_moderators_can_reserve_table_definition_to_themselves(
    login, board, board_moderator, author
):
    response = login(board_moderator).post(
        f"/boards/{board.slug}/progress/", {"tables_defined_by": "moderators"}
    )
    assert response.status_code == 302
    refused = login(author).get(f"/boards/{board.slug}/progress/new/")
    assert refused.status_code == 302
    assert login(board_moderator).get(f"/boards/{board.slug}/progress/new/").status_code == 200
    # Members cannot change the setting back.
    assert (
        login(author)
        .post(f"/boards/{board.slug}/progress/", {"tables_defined_by": "members"})
        .status_code
        == 403
    )


@pytest.mark.parametrize("rows", [3, 30])
def test_the_table_page_costs_the_same_queries_for_3_or_30_rows(
    login, table, columns, board, author, django_assert_num_queries, rows
):
    for number in range(rows):
        code = f"{10 + number % 37:02d}{number:03d}"
        municipality = MunicipalityFactory(
            code=code + local_government_check_digit(code), name=f"町{number}", kind="town"
        )
        member = MembershipFactory(board=board, user=UserFactory(municipality=municipality)).user
        services.save_row(member, table, typed(columns, str(number % 100), str(number)), 0)
    client = login(author)
    # session, user, table, membership, columns, the member's own row, organisations not
    # answered (for the host), the member's organisation (named on the row form), the
    # notification and conversation badges; and, once per table state, the rows and the
    # revisions.
    with django_assert_num_queries(12):
        assert client.get(f"/progress/{table.pk}/").status_code == 200
    with django_assert_num_queries(10):  # the shared parts now come from the cache
        assert client.get(f"/progress/{table.pk}/").status_code == 200


def test_a_save_refreshes_the_cached_table(login, table, columns, author, staff):
    client = login(author)
    assert names_in_order(client.get(f"/progress/{table.pk}/").content.decode()) == []
    services.save_row(staff["神戸市"], table, typed(columns, "77"), 0)
    page = client.get(f"/progress/{table.pk}/").content.decode()
    assert names_in_order(page) == ["神戸市"] and "77%" in page


def test_the_page_works_when_the_cache_is_down(login, table, columns, author, monkeypatch):
    class BrokenCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        set = get

    monkeypatch.setattr("progress.presentation.cache", BrokenCache())
    services.save_row(author, table, typed(columns, "66"), 0)
    assert "66%" in login(author).get(f"/progress/{table.pk}/").content.decode()


def test_history_chart_shows_the_median_of_each_day_with_a_change(login, table, columns, staff):
    from datetime import timedelta

    from django.utils import timezone

    from progress.models import ProgressRowRevision

    first = services.save_row(staff["神戸市"], table, typed(columns, "40"), 0)
    services.save_row(staff["札幌市"], table, typed(columns, "60"), 0)
    ProgressRowRevision.objects.filter(table=table).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    services.save_row(staff["神戸市"], table, typed(columns, "80"), first.version)
    page = login(staff["札幌市"]).get(f"/progress/{table.pk}/").content.decode()
    history = page[page.index('id="history-') :]
    assert "<polyline" in history
    # Two days ago the median was 50%; today (60 and 80) it is 70%.
    assert "50%" in history and "70%" in history
