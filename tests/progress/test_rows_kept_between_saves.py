"""A table's rows are read whole once per worker process; after a save the page reads the
events since and the rows they name, and shows exactly what a whole read would."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress import services, snapshot
from progress.queries import rows_of
from progress.rendering import RowRenderer
from tests.progress.conftest import typed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_kept():
    snapshot.forget_all()
    yield
    snapshot.forget_all()


def kept(table, columns):
    table.refresh_from_db(fields=["event_sequence"])
    return snapshot.table_rows(table, columns)


def whole(table, columns):
    draw = RowRenderer(table, columns)
    return {row.pk: draw(row) for row in rows_of(table)}


def row_queries(captured) -> list[str]:
    return [query["sql"] for query in captured if 'FROM "progress_progressrow"' in query["sql"]]


def test_after_a_save_only_the_saved_row_is_read_again(table, columns, staff):
    rows = [
        services.save_row(staff[name], table, typed(columns, "50"), 0)
        for name in ("札幌市", "神戸市", "与那国町")
    ]
    assert kept(table, columns).html == whole(table, columns)
    services.save_row(staff["神戸市"], table, typed(columns, "95"), rows[1].version)
    with CaptureQueriesContext(connection) as captured:
        current = kept(table, columns)
    [read] = row_queries(captured.captured_queries)
    assert f"IN ({rows[1].pk})" in read
    assert current.html == whole(table, columns)
    assert "95%" in current.html[rows[1].pk]


def test_a_new_organisations_row_joins_the_kept_rows(table, columns, staff):
    services.save_row(staff["札幌市"], table, typed(columns, "50"), 0)
    kept(table, columns)
    added = services.save_row(staff["羽曳野市"], table, typed(columns, "60"), 0)
    current = kept(table, columns)
    assert set(current.rows) == {row.pk for row in rows_of(table)}
    assert current.rows[added.pk].values == added.values


def test_closing_the_table_reads_no_row(table, columns, staff, author):
    services.save_row(staff["札幌市"], table, typed(columns, "50"), 0)
    kept(table, columns)
    services.close_table(author, table)
    with CaptureQueriesContext(connection) as captured:
        kept(table, columns)
    assert row_queries(captured.captured_queries) == []


def test_too_many_changes_are_read_whole(table, columns, staff, monkeypatch):
    monkeypatch.setattr(snapshot, "MAX_PATCHED_EVENTS", 1)
    first = services.save_row(staff["札幌市"], table, typed(columns, "50"), 0)
    kept(table, columns)
    services.save_row(staff["札幌市"], table, typed(columns, "60"), first.version)
    services.save_row(staff["神戸市"], table, typed(columns, "70"), 0)
    with CaptureQueriesContext(connection) as captured:
        current = kept(table, columns)
    [read] = row_queries(captured.captured_queries)
    assert " IN (" not in read
    assert current.html == whole(table, columns)


def test_each_language_keeps_its_own_rows(table, columns, staff):
    from django.utils import translation

    # The fourth question is yes/no: its text is the member's language.
    row = services.save_row(staff["札幌市"], table, typed(columns, "50", "", "", "はい"), 0)
    with translation.override("ja"):
        assert "はい" in kept(table, columns).html[row.pk]
    with translation.override("en"):
        assert "Yes" in kept(table, columns).html[row.pk]
