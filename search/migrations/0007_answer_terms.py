"""A GIN index of the words of accepted answers only: the quality order puts answers first, so a
common query's best matches come from it when enough answers match (see search.queries)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_doc_answer_terms ON search_postdocument "
            "USING gin (terms) WITH (fastupdate = off) WHERE is_answer"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_doc_answer_terms")


class Migration(migrations.Migration):
    dependencies = [("search", "0006_title_quality_order")]

    operations = [migrations.RunPython(create, drop)]
