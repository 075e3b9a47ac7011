"""The fields of work and their usual department names, from fields/data/fields.toml."""

from django.db import migrations


def load(apps, schema_editor):
    from fields.registry import load_registry

    load_registry(apps.get_model("fields", "Field"), apps.get_model("fields", "DepartmentAlias"))


class Migration(migrations.Migration):
    dependencies = [("fields", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
