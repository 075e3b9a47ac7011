"""A post's words are stored without compression attempts on PostgreSQL.

A document's ``terms`` (about 3.3 kB at ~275 characters of text) is larger than PostgreSQL's
2 kB row threshold, so every write tried to compress it with pglz first. A vector of character
bigrams does not compress by the required quarter, so each attempt was wasted and the value was
stored uncompressed anyway: 55-60 µs per row written against 16-19 µs with ``STORAGE EXTERNAL``
(40,000 rows, measured twice). Stored values keep the same format, so reads do not change; the
setting applies to rows written from now on (``rebuild_search_index`` rewrites them all).
"""

from django.db import migrations


def external(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE search_postdocument ALTER COLUMN terms SET STORAGE EXTERNAL"
        )


def extended(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE search_postdocument ALTER COLUMN terms SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0009_drop_duplicate_topic_index")]

    operations = [migrations.RunPython(external, extended)]
