"""Fixtures of the fields-of-work specs: the registry from the data file and a small cast."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Assignment, Municipality, local_government_check_digit
from fields.models import DepartmentAlias, Field
from fields.registry import load_registry
from tests.factories import BoardFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """The best answers of a field are cached by board ids, which a new test may reuse."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def registry(db):
    """Every field and department name of fields/data/fields.toml (the migration loads them
    too, but a test that empties the database must not depend on that)."""
    load_registry(Field, DepartmentAlias)
    return {field.slug: field for field in Field.objects.all()}


def organisation(code5: str, prefecture: str, name: str, kind: str) -> Municipality:
    return Municipality.objects.get_or_create(
        code=code5 + local_government_check_digit(code5),
        defaults={"prefecture": prefecture, "name": name, "kind": kind},
    )[0]


@pytest.fixture
def places(db):
    kind = Municipality.Kind
    return {
        "ogasawara": organisation("13421", "東京都", "小笠原村", kind.VILLAGE),
        "kobe": organisation("28100", "兵庫県", "神戸市", kind.DESIGNATED_CITY),
        "habikino": organisation("27222", "大阪府", "羽曳野市", kind.CITY),
        "osaka": organisation("27000", "大阪府", "大阪府", kind.PREFECTURE),
        "hiraizumi": organisation("03402", "岩手県", "平泉町", kind.TOWN),
        "kitayama": organisation("30427", "和歌山県", "北山村", kind.VILLAGE),
    }


def worked(member, organisation, department, start, end=None, **extra) -> Assignment:
    return Assignment.objects.create(
        user=member,
        municipality=organisation,
        department=department,
        started_on=start,
        ended_on=end,
        **extra,
    )


@pytest.fixture
def vaccination_board(registry):
    board = BoardFactory(slug="vaccination", name_ja="予防接種", name_en="Vaccination")
    registry["vaccination"].boards.add(board)
    return board


@pytest.fixture
def veteran(places):
    """A village official who did vaccination for four years and said "ask me"."""
    member = UserFactory(
        full_name="小笠原 先輩",
        municipality=places["ogasawara"],
        department="村民課",
        ask_me=True,
        email="senpai@vill.ogasawara.lg.jp",
    )
    worked(member, places["ogasawara"], "予防接種担当", datetime.date(2019, 4, 1),
           datetime.date(2023, 3, 31))  # fmt: skip
    worked(member, places["ogasawara"], "村民課", datetime.date(2023, 4, 1))
    return member


def today() -> datetime.date:
    return timezone.localdate()
