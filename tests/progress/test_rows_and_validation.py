"""Rows: input as people type it, clear messages that keep the rest of the row, one row per
organisation, every change kept, and no silent overwrite between colleagues."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from progress import services
from progress.models import ProgressRow
from tests.factories import MembershipFactory, UserFactory
from tests.progress.conftest import typed

pytestmark = pytest.mark.django_db


def test_input_is_read_as_people_type_it(table, columns, author):
    row = services.save_row(
        author,
        table,
        typed(columns, "８５％", "１，２３４人", "令和7年4月1日", "はい", "電話", "土日も実施"),
        0,
    )
    assert row.values == {
        columns[0].key: "85",
        columns[1].key: "1234",
        columns[2].key: "2025-04-01",
        columns[3].key: True,
        columns[4].key: "電話",
        columns[5].key: "土日も実施",
    }


@pytest.mark.parametrize(
    "text", ["R7.4.1", "2025/4/1", "2025-04-01", "２０２５年４月１日", "令和７年４月１日(火)"]
)
def test_era_and_western_dates_are_the_same_day(table, columns, author, text):
    row = services.save_row(author, table, typed(columns, "", "", text), 0)
    assert date.fromisoformat(row.values[columns[2].key]) == date(2025, 4, 1)


def test_a_percentage_of_140_and_a_wrong_date_get_messages_and_nothing_is_lost(
    login, table, columns, author
):
    form = {
        "version": "0",
        f"c{columns[0].pk}": "140",
        f"c{columns[1].pk}": "1200",
        f"c{columns[2].pk}": "令和7年2月30日",
        f"c{columns[5].pk}": "夜間も実施",
    }
    response = login(author).post(f"/progress/{table.pk}/row/", form)
    page = response.content.decode()
    assert response.status_code == 400
    assert "割合は0〜100で入力してください（入力：140）" in page
    assert "「令和7年2月30日」は存在しない日付です。" in page
    assert "令和7年2月30日" in page  # what was typed is kept …
    assert 'value="1200"' in page and 'value="夜間も実施"' in page  # … and so is the rest
    assert 'aria-invalid="true"' in page
    assert not ProgressRow.objects.exists()


def test_a_choice_outside_the_list_is_refused(table, columns, author):
    with pytest.raises(services.RowInvalid) as error:
        services.save_row(author, table, typed(columns, "", "", "", "", "FAX"), 0)
    assert columns[4].key in error.value.errors


def test_one_row_per_organisation_shared_by_its_members(table, columns, author, board):
    colleague = MembershipFactory(
        board=board, user=UserFactory(municipality=author.municipality)
    ).user
    first = services.save_row(author, table, typed(columns, "50"), 0)
    second = services.save_row(colleague, table, typed(columns, "60"), first.version)
    assert first.pk == second.pk
    assert ProgressRow.objects.filter(table=table).count() == 1
    assert second.updated_by == colleague


def test_every_change_is_kept_with_who_and_when(login, table, columns, author, board):
    colleague = MembershipFactory(
        board=board, user=UserFactory(municipality=author.municipality, full_name="林 次郎")
    ).user
    row = services.save_row(author, table, typed(columns, "50"), 0)
    row = services.save_row(colleague, table, typed(columns, "62.5"), row.version)
    history = list(row.revisions.order_by("version"))
    assert [(revision.user, revision.values[columns[0].key]) for revision in history] == [
        (author, "50"),
        (colleague, "62.5"),
    ]
    page = login(author).get(f"/progress/{table.pk}/rows/{row.pk}/history/").content.decode()
    assert "林 次郎" in page and "62.5%" in page and "50%" in page


def test_a_second_saver_is_told_and_shown_the_newer_values(login, table, columns, author, board):
    colleague = MembershipFactory(
        board=board, user=UserFactory(municipality=author.municipality, full_name="林 次郎")
    ).user
    row = services.save_row(author, table, typed(columns, "50", "100"), 0)
    # Both open the form at version 1; the colleague saves first.
    services.save_row(colleague, table, typed(columns, "70", "140"), row.version)
    response = login(author).post(
        f"/progress/{table.pk}/row/",
        {"version": str(row.version), f"c{columns[0].pk}": "55", f"c{columns[1].pk}": "110"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "林 次郎" in page and "70%" in page and "140人" in page  # the newer values
    assert 'value="55"' in page  # the author's input is kept
    assert 'name="version" value="2"' in page  # saving again is now deliberate
    assert ProgressRow.objects.get(pk=row.pk).values[columns[0].key] == "70"

    again = login(author).post(
        f"/progress/{table.pk}/row/", {"version": "2", f"c{columns[0].pk}": "55"}
    )
    assert again.status_code == 302
    assert ProgressRow.objects.get(pk=row.pk).values[columns[0].key] == "55"


def test_saving_the_same_values_adds_no_revision(table, columns, author):
    row = services.save_row(author, table, typed(columns, "50"), 0)
    services.save_row(author, table, typed(columns, "５０"), row.version)
    assert row.revisions.count() == 1


def test_members_without_an_organisation_have_no_row(table, columns, board):
    national = MembershipFactory(board=board, user=UserFactory(municipality=None)).user
    with pytest.raises(PermissionDenied):
        services.save_row(national, table, typed(columns, "50"), 0)


def test_a_closed_table_takes_no_rows(table, columns, author, staff):
    services.close_table(author, table)
    with pytest.raises(PermissionDenied):
        services.save_row(staff["神戸市"], table, typed(columns, "50"), 0)
