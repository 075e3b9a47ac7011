"""Loads the fields of work and their usual department names from ``fields/data/fields.toml``.

Run by the app's data migration and by ``manage.py load_fields`` after the file changes. Names
that moderators added stay; a name the file gives to another field moves to that field.
"""

import tomllib
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "fields.toml"


def read_registry(path: Path = DATA_FILE) -> list[dict]:
    with path.open("rb") as handle:
        return tomllib.load(handle)["field"]


def load_registry(field_model, alias_model, path: Path = DATA_FILE) -> tuple[int, int]:
    """Create or update every field and department name of the file; returns the counts."""
    from fields.matching import normalise

    entries = read_registry(path)
    existing = dict(alias_model.objects.values_list("name", "field_id"))
    new_aliases, moved = [], {}
    for position, entry in enumerate(entries, start=1):
        field, _created = field_model.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "name_ja": entry["name_ja"],
                "name_en": entry["name_en"],
                "position": position * 10,
                "keywords": [normalise(word) for word in entry.get("keywords", [])],
            },
        )
        for department in entry.get("departments", []):
            name = normalise(department)
            if name not in existing:
                new_aliases.append(alias_model(name=name, field=field))
                existing[name] = field.pk
            elif existing[name] != field.pk:
                moved.setdefault(field.pk, []).append(name)
    alias_model.objects.bulk_create(new_aliases)
    for field_id, names in moved.items():
        alias_model.objects.filter(name__in=names).update(field_id=field_id)
    return len(entries), sum(len(entry.get("departments", [])) for entry in entries)
