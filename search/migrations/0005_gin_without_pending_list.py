"""The words' GIN index is updated in place, without a pending list: a burst of writes must not
make the following searches scan an unsorted list until VACUUM runs (see search.indexing)."""

from django.db import migrations


def _set(options: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER INDEX search_doc_terms SET ({options})")

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_quality_order")]

    operations = [
        migrations.RunPython(_set("fastupdate = off"), _set("fastupdate = on")),
    ]
