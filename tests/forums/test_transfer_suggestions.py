"""After a transfer: the site suggests the new field's boards, answers and experienced people."""

import datetime

import pytest

from accounts.models import Assignment
from tests.factories import (
    BoardFactory,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
    make_reply,
    make_topic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields():
    welfare = BoardFactory(
        slug="welfare", name_ja="生活保護", description_ja="生活保護のケースワーク"
    )
    vaccination = BoardFactory(
        slug="vaccination", name_ja="予防接種", description_ja="接種券と保管"
    )
    return welfare, vaccination


def test_changing_department_leads_to_the_new_fields_boards_answers_and_people(login, fields):
    welfare, _vaccination = fields
    kobe = MunicipalityFactory(
        code="281000", prefecture="兵庫県", name="神戸市", kind="designated_city"
    )
    veteran = UserFactory(full_name="神戸の 先輩", municipality=kobe, department="保護課")
    Assignment.objects.create(
        user=veteran,
        municipality=kobe,
        department="生活保護課",
        started_on=datetime.date(2019, 4, 1),
        ended_on=datetime.date(2024, 3, 31),
    )
    asker = MembershipFactory(board=welfare).user
    topic = make_topic(asker, welfare, title="扶養照会の運用について")
    answer = make_reply(MembershipFactory(board=welfare).user, topic)
    topic.accepted_post = answer
    topic.save()

    newcomer = UserFactory(department="税務課")
    client = login(newcomer)
    response = client.post(
        "/account/profile/",
        {
            "full_name": newcomer.full_name,
            "display_name": newcomer.display_name,
            "municipality": "羽曳野市",
            "department": "生活保護課",
            "position": "主事",
            "can_help_with": "",
        },
    )
    assert response["Location"] == "/for-your-department/"
    html = client.get("/for-your-department/").content.decode()
    assert "生活保護" in html and 'href="/boards/welfare/"' in html
    assert 'href="/boards/vaccination/"' not in html
    assert "扶養照会の運用について" in html
    assert "神戸の 先輩" in html


def test_an_invite_board_is_never_suggested_to_a_non_member(login, verified_user):
    BoardFactory(slug="secret-welfare", name_ja="生活保護（非公開）", join_policy="invite")
    html = login(verified_user).get("/for-your-department/?department=生活保護課").content.decode()
    assert "secret-welfare" not in html
