"""Specs for "who did this job elsewhere": by field, prefecture and kind of organisation, only
members who opted in, never an e-mail address."""

import datetime

import pytest

from tests.factories import UserFactory

from .conftest import today, worked


@pytest.fixture
def cast(places, veteran):
    """Villages, a town, a designated city; one of them never opted in."""
    kitayama = UserFactory(full_name="北山 経験者", ask_me=True, email="k@vill.kitayama.lg.jp")
    worked(kitayama, places["kitayama"], "住民福祉課 予防接種係", datetime.date(2020, 4, 1),
           datetime.date(2024, 3, 31))  # fmt: skip
    hiraizumi = UserFactory(full_name="平泉 担当", ask_me=True)
    worked(hiraizumi, places["hiraizumi"], "保健センター", datetime.date(2022, 4, 1))
    kobe = UserFactory(full_name="神戸 係長", ask_me=True)
    worked(kobe, places["kobe"], "予防接種課", datetime.date(2021, 4, 1))
    newcomer_later = UserFactory(full_name="未来の 担当", ask_me=True)
    worked(newcomer_later, places["kitayama"], "予防接種課", today() + datetime.timedelta(30))
    return {"veteran": veteran, "kitayama": kitayama, "hiraizumi": hiraizumi, "kobe": kobe}


def names(page: str, cast) -> set[str]:
    everyone = ["小笠原 先輩", "北山 経験者", "平泉 担当", "神戸 係長", "未来の 担当"]
    return {name for name in everyone if name in page}


def test_a_village_finds_people_who_did_the_job_in_villages(login, verified_user, cast):
    page = login(verified_user).get("/fields/people/?field=vaccination&kind=village")
    assert names(page.content.decode(), cast) == {"小笠原 先輩", "北山 経験者"}


def test_search_by_prefecture(login, verified_user, cast):
    page = login(verified_user).get("/fields/people/?field=vaccination&prefecture=兵庫県")
    assert names(page.content.decode(), cast) == {"神戸 係長"}


def test_any_field_lists_everyone_who_opted_in_with_experience(login, verified_user, cast):
    page = login(verified_user).get("/fields/people/").content.decode()
    # A planned assignment is not experience yet.
    assert names(page, cast) == {"小笠原 先輩", "北山 経験者", "平泉 担当", "神戸 係長"}


def test_the_list_shows_organisation_kind_and_duration_but_never_e_mail(login, verified_user, cast):
    page = login(verified_user).get("/fields/people/?field=vaccination").content.decode()
    assert "和歌山県 北山村" in page
    assert "（4年）" in page or "（4 years）" in page  # 2020-04-01 to 2024-03-31
    for member in cast.values():
        assert member.email not in page
    assert "@" not in page.split("<main")[1].split("</main>")[0]


def test_opting_out_removes_a_member_from_every_list(login, verified_user, cast):
    cast["kobe"].ask_me = False
    cast["kobe"].save()
    page = login(verified_user).get("/fields/people/?field=vaccination").content.decode()
    assert "神戸 係長" not in page


def test_a_suspended_member_is_never_listed(login, verified_user, cast):
    cast["kobe"].status = "suspended"
    cast["kobe"].save()
    page = login(verified_user).get("/fields/people/").content.decode()
    assert "神戸 係長" not in page


def test_bad_filters_are_form_errors_not_server_errors(login, verified_user, cast):
    client = login(verified_user)
    for query in ("field=no-such-field", "prefecture=ロンドン", "kind=planet", "page=abc"):
        response = client.get(f"/fields/people/?{query}")
        assert response.status_code == 200, query


def test_a_bad_filter_is_named_at_its_select_and_the_other_choices_stay(login, verified_user, cast):
    page = (
        login(verified_user)
        .get("/fields/people/", {"kind": "planet", "field": "vaccination"})
        .content.decode()
    )

    assert 'id="id_kind_error"' in page
    assert 'aria-invalid="true" aria-describedby="id_kind_error"' in page
    assert '<option value="vaccination" selected>' in page
    assert page.count('aria-invalid="true"') == 1


def test_the_people_search_query_count_is_fixed(
    login, verified_user, cast, django_assert_num_queries
):
    client = login(verified_user)
    client.get("/fields/people/?field=vaccination&kind=village")
    # session, user, field, count, the page of people, their assignments with their member
    # rows, prefectures and fields for the filters, the header's unread notifications and
    # conversations
    with django_assert_num_queries(10):
        response = client.get("/fields/people/?field=vaccination&kind=village")
    assert "北山 経験者" in response.content.decode()


def test_a_search_that_matches_nobody_says_so(login, verified_user, cast):
    page = login(verified_user).get(
        "/fields/people/?field=vaccination&prefecture=兵庫県&kind=village"
    )
    html = page.content.decode()
    assert "0人見つかりました" in html
    assert "該当する人はまだいません。地域や団体の種類を広げてみてください。" in html
