"""Specs for the registry pages of site moderators: adding a field of work with its department
names and a first guide, changing its names and order, adding, moving and removing department
names. Mistakes come back next to their inputs, in the reader's language, with nothing typed
lost; nobody else may change the registry."""

import pytest
from django.conf import settings

from fields.matching import field_for_department
from fields.models import DepartmentAlias, Field
from moderation.models import AuditEntry
from tests.factories import UserFactory

NEW_FIELD = {
    "slug": "smart-city",
    "name_ja": "スマートシティ",
    "name_en": "Smart city",
    "position": "",
    "keywords": "スマートシティ、都市OS",
    "department_names": "スマートシティ推進室\nデータ連携基盤課\n",
    "guide": "# 最初の1週間\n- 都市OSの連携先一覧を見る",
}


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_moderator_adds_a_field_with_its_department_names_and_guide(login, site_moderator):
    response = login(site_moderator).post("/fields/new/", NEW_FIELD)

    assert response["Location"] == "/fields/smart-city/manage/"
    field = Field.objects.get(slug="smart-city")
    assert (field.name_ja, field.name_en) == ("スマートシティ", "Smart city")
    assert field.keywords == ["スマートシティ", "都市os"]
    assert field.position > Field.objects.exclude(pk=field.pk).order_by("-position")[0].position
    names = DepartmentAlias.objects.filter(field=field).values_list("name", "added_by")
    assert sorted(names) == [
        ("スマートシティ推進室", site_moderator.pk),
        ("データ連携基盤課", site_moderator.pk),
    ]
    assert field.guide_revisions.get().author == site_moderator
    assert field_for_department("総務部 データ連携基盤課").field == field
    assert field_for_department("北部都市OSセンター").field == field


def test_a_taken_address_and_a_taken_department_name_keep_everything_typed(login, site_moderator):
    data = {**NEW_FIELD, "slug": "vaccination", "department_names": "健康増進課\n新しい室"}
    response = login(site_moderator).post("/fields/new/", data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "このアドレスの分野はすでにあります。" in page
    assert "健康増進課 はすでに別の分野につながっています" in page
    for typed in ("スマートシティ", "Smart city", "都市OS", "新しい室", "連携先一覧"):
        assert typed in page, typed
    assert page.count('aria-invalid="true"') == 2
    assert not Field.objects.filter(name_ja="スマートシティ").exists()


def test_errors_are_in_the_readers_language(login, site_moderator):
    client = in_english(login(site_moderator))
    data = {**NEW_FIELD, "slug": "Not a slug!", "name_ja": ""}
    page = client.post("/fields/new/", data).content.decode()
    assert "This field is required." in page
    assert "letters, numbers, underscores or hyphens" in page
    assert "Smart city" in page


def test_an_address_used_by_another_page_is_refused(login, site_moderator):
    page = login(site_moderator).post("/fields/new/", {**NEW_FIELD, "slug": "people"})
    assert page.status_code == 200
    assert not Field.objects.filter(slug="people").exists()


def test_a_moderator_changes_the_names_order_and_keywords(login, site_moderator, registry):
    response = login(site_moderator).post(
        "/fields/audit/manage/",
        {"name_ja": "監査・検査", "name_en": "Audit and inspection", "position": "5",
         "keywords": "監査\n検査", "details_submit": "1"},
    )  # fmt: skip
    assert response["Location"] == "/fields/audit/manage/"
    field = Field.objects.get(slug="audit")
    assert (field.name_ja, field.name_en, field.position, field.keywords) == (
        "監査・検査", "Audit and inspection", 5, ["監査", "検査"],
    )  # fmt: skip
    assert Field.objects.order_by("position", "slug")[0] == field


def test_a_bad_change_keeps_the_input_and_changes_nothing(login, site_moderator, registry):
    before = Field.objects.get(slug="audit")
    response = login(site_moderator).post(
        "/fields/audit/manage/",
        {"name_ja": "", "name_en": "Audit (typed)", "position": "-1", "keywords": "監査",
         "details_submit": "1"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "Audit (typed)" in page
    assert page.count('aria-invalid="true"') == 2
    assert Field.objects.get(slug="audit").name_ja == before.name_ja


def test_a_name_of_another_field_moves_only_when_the_moderator_says_so(
    login, site_moderator, registry
):
    client = login(site_moderator)
    page = client.post("/fields/health-promotion/manage/", {"name": "予防接種課"}).content.decode()
    assert "予防接種課" in page and 'aria-invalid="true"' in page
    assert DepartmentAlias.objects.get(name="予防接種課").field.slug == "vaccination"

    client.post("/fields/health-promotion/manage/", {"name": "予防接種課", "move": "on"})
    alias = DepartmentAlias.objects.get(name="予防接種課")
    assert (alias.field.slug, alias.added_by) == ("health-promotion", site_moderator)


def test_a_moderator_removes_a_department_name(login, site_moderator, registry):
    alias = DepartmentAlias.objects.get(name="健康増進課")
    page = login(site_moderator).get(f"/fields/{alias.field.slug}/manage/").content.decode()
    removal = f"/fields/{alias.field.slug}/manage/names/{alias.pk}/remove/"
    assert f'action="{removal}"' in page

    response = login(site_moderator).post(removal)

    assert response["Location"] == f"/fields/{alias.field.slug}/manage/"
    assert not DepartmentAlias.objects.filter(name="健康増進課").exists()
    assert field_for_department("健康増進課").how != "name"


def test_the_field_list_offers_moderators_to_add_a_field(login, site_moderator, verified_user):
    assert 'href="/fields/new/"' in login(site_moderator).get("/fields/").content.decode()
    assert 'href="/fields/new/"' not in login(verified_user).get("/fields/").content.decode()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/fields/new/"),
        ("post", "/fields/new/"),
        ("get", "/fields/vaccination/manage/"),
        ("post", "/fields/vaccination/manage/"),
        ("post", "/fields/vaccination/manage/names/{alias}/remove/"),
    ],
)
def test_only_site_moderators_change_the_registry(login, board_moderator, method, url):
    alias = DepartmentAlias.objects.filter(field__slug="vaccination").first()
    for user in (UserFactory(), board_moderator):
        client = login(user)
        data = {**NEW_FIELD, "name": "新しい課"} if method == "post" else None
        response = getattr(client, method)(url.format(alias=alias.pk), data)
        assert response.status_code == 403, (user, url)
    assert not Field.objects.filter(slug="smart-city").exists()
    assert DepartmentAlias.objects.filter(pk=alias.pk).exists()


def test_every_change_to_the_registry_is_in_the_audit_log(login, site_moderator, registry):
    client = login(site_moderator)
    client.post("/fields/new/", NEW_FIELD)
    client.post(
        "/fields/audit/manage/",
        {"name_ja": "監査・検査", "name_en": "Audit and inspection", "position": "5",
         "keywords": "監査", "details_submit": "1"},
    )  # fmt: skip
    client.post("/fields/health-promotion/manage/", {"name": "予防接種課", "move": "on"})
    alias = DepartmentAlias.objects.get(name="健康増進課")
    client.post(f"/fields/{alias.field.slug}/manage/names/{alias.pk}/remove/")

    entries = AuditEntry.objects.order_by("pk")
    assert [(entry.action, entry.actor) for entry in entries] == [
        ("field.created", site_moderator),
        ("field.updated", site_moderator),
        ("field.name_added", site_moderator),
        ("field.name_removed", site_moderator),
    ]
    created, updated, moved, removed = entries
    assert created.target_label == "スマートシティ (smart-city)"
    assert created.after["names"] == ["スマートシティ推進室", "データ連携基盤課"]
    assert updated.before["name_ja"] != "監査・検査"
    assert (updated.after["name_ja"], updated.after["position"]) == ("監査・検査", 5)
    assert (moved.before, moved.after) == ({"field": "vaccination"}, {"name": "予防接種課"})
    assert removed.before == {"name": "健康増進課"}
