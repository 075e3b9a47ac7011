"""The registry again, for the keywords added to fields/data/fields.toml (a caseworker's
department names lead to public assistance)."""

from django.db import migrations


def load(apps, schema_editor):
    from fields.registry import load_registry

    load_registry(apps.get_model("fields", "Field"), apps.get_model("fields", "DepartmentAlias"))


class Migration(migrations.Migration):
    dependencies = [("fields", "0004_calendar_and_handover_history")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
