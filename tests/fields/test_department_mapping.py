"""Specs for finding the field of work of a department name as members type it."""

import pytest

from fields.matching import closest_fields, field_for_department
from fields.models import DepartmentAlias
from fields.registry import read_registry
from tests.factories import UserFactory

from .conftest import today, worked

REGISTRY = read_registry()


def test_the_registry_has_about_fifty_fields_each_with_names_and_keywords():
    slugs = [entry["slug"] for entry in REGISTRY]
    assert 45 <= len(slugs) <= 60
    assert len(set(slugs)) == len(slugs)
    for entry in REGISTRY:
        assert entry["name_ja"] and entry["name_en"]
        assert entry["departments"], entry["slug"]
        assert entry["keywords"], entry["slug"]


def test_no_department_name_is_given_to_two_fields():
    seen = {}
    for entry in REGISTRY:
        for name in entry["departments"]:
            assert seen.setdefault(name, entry["slug"]) == entry["slug"], name


def test_every_department_name_of_the_file_leads_to_its_field():
    wrong = {
        name: field_for_department(name).field
        for entry in REGISTRY
        for name in entry["departments"]
        if getattr(field_for_department(name).field, "slug", None) != entry["slug"]
    }
    assert wrong == {}


@pytest.mark.parametrize(
    ("department", "slug"),
    [
        ("健康増進課", "health-promotion"),
        ("保健センター", "health-promotion"),
        ("こども家庭課", "child-family"),
        ("契約課", "procurement"),
        ("生活福祉課", "public-assistance"),
        ("健康福祉部 健康増進課", "health-promotion"),  # the division in front is dropped
        ("健康福祉部健康増進課", "health-promotion"),
        ("北部保健センター", "health-promotion"),  # a keyword inside the name
        ("ＤＸ推進課", "ict"),  # full-width letters
        ("新型コロナワクチン接種対策室", "vaccination"),
        ("障がい者支援室", "disability-welfare"),
        ("税務課", "tax-residents"),
        ("総務部 契約検査課", "procurement"),
        ("子育て支援課", "child-family"),
        ("危機管理防災課", "disaster-prevention"),
        ("健康づくり課（予防接種係）", "vaccination"),  # the subsection says most
        ("健康づくり課 予防接種係", "vaccination"),
        ("生活福祉課 保護係", "public-assistance"),
        ("ケースワーカー", "public-assistance"),
        ("介護保険課 庶務係", "elderly-care"),  # a duty every section has does not lead
        ("生活福祉課（庶務係）", "public-assistance"),
        ("子育て支援課 総務係", "child-family"),
        ("保育課 指導係", "childcare"),
        ("税務課 窓口係", "tax-residents"),
    ],
)
def test_usual_department_names_find_their_field(department, slug):
    assert field_for_department(department).field.slug == slug


def test_an_unknown_department_gets_the_closest_fields_not_nothing():
    match = field_for_department("まちの未来推進室")
    assert match.field is None
    assert match.closest, "an unknown name must still suggest fields"


def test_closest_fields_rank_fields_sharing_the_most_characters():
    assert closest_fields("健康まつり推進課")[0].slug == "health-promotion"


def test_an_empty_name_matches_nothing():
    match = field_for_department("   ")
    assert match.field is None and match.closest == []


def test_a_members_own_correction_wins_for_the_same_department_name(registry):
    member = UserFactory()
    worked(member, None, "健康増進課", today(), field=registry["vaccination"],
           field_chosen_by_member=True)  # fmt: skip
    assert field_for_department("健康増進課", member=member).field.slug == "vaccination"
    # Nobody else is affected by one member's correction.
    assert field_for_department("健康増進課", member=UserFactory()).field.slug == (
        "health-promotion"
    )


def test_an_assignment_saved_without_a_field_gets_the_field_of_its_department():
    member = UserFactory()
    assignment = worked(member, None, "保健センター", today())
    assert assignment.field.slug == "health-promotion"
    assert assignment.field_chosen_by_member is False


def test_unknown_department_page_offers_closest_fields_and_a_search(login, verified_user):
    html = login(verified_user).get("/for-your-department/?department=まちの未来推進室")
    page = html.content.decode()
    assert html.status_code == 200
    assert "まちの未来推進室" in page
    assert "/search/?q=" in page
    assert 'href="/fields/' in page
    assert "No board matches" not in page


def test_a_known_department_leads_straight_to_its_field_page(login, verified_user):
    response = login(verified_user).get("/for-your-department/?department=契約課")
    assert response.status_code == 302 and response["Location"] == "/fields/procurement/"


def test_a_moderator_teaches_a_new_department_name_to_a_field(login, site_moderator, registry):
    client = login(site_moderator)
    response = client.post(
        "/fields/names/add/", {"field": "health-promotion", "name": "まちの健康未来室"}
    )
    assert response.status_code == 302
    alias = DepartmentAlias.objects.get(name="まちの健康未来室")
    assert (alias.field.slug, alias.added_by) == ("health-promotion", site_moderator)
    assert field_for_department("まちの健康未来室").field.slug == "health-promotion"


def test_a_moderator_cannot_move_a_name_that_leads_elsewhere(login, site_moderator):
    client = login(site_moderator)
    client.post("/fields/names/add/", {"field": "procurement", "name": "健康増進課"})
    assert DepartmentAlias.objects.get(name="健康増進課").field.slug == "health-promotion"


def test_a_member_who_is_not_a_moderator_cannot_add_names(login, verified_user):
    response = login(verified_user).post(
        "/fields/names/add/", {"field": "procurement", "name": "なんでも課"}
    )
    assert response.status_code == 403
    assert not DepartmentAlias.objects.filter(name="なんでも課").exists()
