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
    alias_count = 0
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
            alias_model.objects.update_or_create(
                name=normalise(department), defaults={"field": field}
            )
            alias_count += 1
    return len(entries), alias_count
