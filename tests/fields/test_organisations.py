"""Specs for organisations beyond municipalities: kinds, core cities, and national ministries
and agencies whose officials join as themselves."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.management.commands.load_municipalities import load_national_bodies
from accounts.models import Municipality, User
from moderation.services import site as site_moderation
from tests.accounts.test_signup_and_verification import sign_up_and_confirm
from tests.factories import MembershipFactory, make_topic

Kind = Municipality.Kind


@pytest.fixture
def ministry(db):
    load_national_bodies()
    return Municipality.objects.get(national_identifier="mhlw")


def test_national_bodies_have_their_own_identifier_and_no_local_government_code(ministry):
    assert (ministry.name, ministry.kind, ministry.code) == ("厚生労働省", Kind.NATIONAL, None)
    assert str(ministry) == "厚生労働省"
    assert Municipality.objects.filter(kind=Kind.NATIONAL).count() >= 25
    assert not Municipality.objects.filter(kind=Kind.NATIONAL, code__isnull=False).exists()
    ministry.full_clean()


def test_loading_national_bodies_twice_does_not_duplicate_them(ministry):
    count = Municipality.objects.count()
    load_national_bodies()
    assert Municipality.objects.count() == count


def test_a_national_body_with_a_local_government_code_is_refused(db):
    body = Municipality(name="架空庁", kind=Kind.NATIONAL, code="272221", national_identifier="x1")
    with pytest.raises(ValidationError) as error:
        body.full_clean()
    assert "code" in error.value.message_dict


def test_a_local_government_without_its_code_is_refused(db):
    with pytest.raises(ValidationError) as error:
        Municipality(name="どこか市", prefecture="大阪府", kind=Kind.CITY).full_clean()
    assert "code" in error.value.message_dict


def test_every_kind_of_organisation_is_named(db):
    labels = dict(Kind.choices)
    assert set(labels) == {
        "designated_city", "core_city", "city", "town", "village", "special_ward",
        "prefecture", "national",
    }  # fmt: skip


def test_a_national_official_signs_up_with_their_ministry_and_is_reviewed(
    client, ministry, site_moderator
):
    official = sign_up_and_confirm(
        client,
        email="takahashi-naoko@mhlw.go.jp",
        municipality="厚生労働省",
        department="健康・生活衛生局 予防接種課",
        display_name="高橋（厚生労働省）",
    )
    assert official.municipality == ministry

    site_moderation.approve_member(site_moderator, official, register_domain=True)

    official.refresh_from_db()
    assert official.status == User.Status.VERIFIED
    assert ministry.domains.filter(domain="mhlw.go.jp").exists()
    colleague = sign_up_and_confirm(
        client.__class__(),
        email="suzuki-ken@mhlw.go.jp",
        municipality="厚生労働省",
        display_name="鈴木（厚生労働省）",
    )
    assert colleague.status == User.Status.VERIFIED


def test_a_national_officials_posts_show_their_ministry(login, ministry, board):
    official = MembershipFactory(
        board=board, user__municipality=ministry, user__department="予防接種課"
    ).user
    topic = make_topic(official, board, title="定期接種の実施要領の改正について")
    page = login(official).get(topic.get_absolute_url()).content.decode()
    assert "厚生労働省" in page


def test_the_organisation_search_finds_ministries(client, ministry):
    response = client.get(reverse("accounts:municipality_search"), {"q": "厚生"})
    assert {"code": None, "label": "厚生労働省"} in response.json()["results"]
