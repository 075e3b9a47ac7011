"""Where the words live: a tsvector column with a GIN index on PostgreSQL, an FTS5 table on
SQLite. Both are filled by search.indexing from the same tokens."""

from django.db import migrations

POSTGRESQL = [
    "ALTER TABLE search_postdocument ADD COLUMN terms tsvector NOT NULL DEFAULT ''",
    # The title again, on first posts only: "similar topics" ranks many small vectors.
    "ALTER TABLE search_postdocument ADD COLUMN title_terms tsvector NOT NULL DEFAULT ''",
    # Move every vector out of the row, so that the rows a search scans and sorts stay narrow.
    "ALTER TABLE search_postdocument SET (toast_tuple_target = 128)",
    "CREATE INDEX search_doc_terms ON search_postdocument USING gin (terms)",
    "CREATE INDEX search_doc_title_terms ON search_postdocument USING gin (title_terms) "
    "WHERE is_first",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_doc_title_terms",
    "DROP INDEX IF EXISTS search_doc_terms",
    "ALTER TABLE search_postdocument DROP COLUMN title_terms",
    "ALTER TABLE search_postdocument DROP COLUMN terms",
]
SQLITE = [
    # The tokens are already cut and normalised; "ascii" only splits them at spaces.
    "CREATE VIRTUAL TABLE search_postterms USING fts5(title, body, tokenize = 'ascii')",
    """CREATE TRIGGER search_postdocument_deleted AFTER DELETE ON search_postdocument
       BEGIN DELETE FROM search_postterms WHERE rowid = old.post_id; END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_postdocument_deleted",
    "DROP TABLE IF EXISTS search_postterms",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
