"""A vaccination board with members from several organisations and a progress table defined
through the real service."""

import pytest

from accounts.models import Municipality
from progress import services
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

ORGANISATIONS = [
    ("011002", "北海道", "札幌市", Municipality.Kind.DESIGNATED_CITY),
    ("134210", "東京都", "小笠原村", Municipality.Kind.VILLAGE),
    ("272221", "大阪府", "羽曳野市", Municipality.Kind.CITY),
    ("281000", "兵庫県", "神戸市", Municipality.Kind.DESIGNATED_CITY),
    ("473821", "沖縄県", "与那国町", Municipality.Kind.TOWN),
]


@pytest.fixture
def organisations(db):
    return {
        name: MunicipalityFactory(code=code, prefecture=prefecture, name=name, kind=kind)
        for code, prefecture, name, kind in ORGANISATIONS
    }


@pytest.fixture
def staff(board, organisations):
    """One active member per organisation, by organisation name."""
    return {
        name: MembershipFactory(board=board, user=UserFactory(municipality=municipality)).user
        for name, municipality in organisations.items()
    }


@pytest.fixture
def author(staff):
    return staff["羽曳野市"]


COLUMNS = [
    {"question": "3回目接種率（65歳以上）", "kind": "percentage"},
    {"question": "接種者数", "kind": "number", "unit": "人"},
    {"question": "集団接種の開始日", "kind": "date"},
    {"question": "個別接種を実施", "kind": "yes_no"},
    {"question": "予約方法", "kind": "choice", "choices": ["Web", "電話", "窓口"]},
    {"question": "備考", "kind": "text"},
]


@pytest.fixture
def table(author, board):
    return services.define_table(
        author, board, title="3回目接種の進捗", columns=COLUMNS, description="11月末時点"
    )


@pytest.fixture
def columns(table):
    return list(table.columns.order_by("position"))


def typed(columns, *texts):
    return {column.key: text for column, text in zip(columns, texts, strict=False)}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)
