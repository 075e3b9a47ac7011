"""Specs for dated assignments: planned moves from a date, concurrent posts, secondments, the
timeline on the profile, and the greeting with the new field's page on the first day."""

import datetime

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import Assignment
from forums.models import Post
from tests.factories import MembershipFactory, UserFactory, make_topic

from .conftest import today, worked

DAY = datetime.timedelta(days=1)


@pytest.fixture
def taxman(places):
    member = UserFactory(
        full_name="税務 太郎", municipality=places["habikino"], department="税務課"
    )
    worked(member, places["habikino"], "税務課", datetime.date(2020, 4, 1))
    return member


def travel_to(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def plan_welfare_move(client, start: datetime.date, **extra):
    data = {
        "municipality": "羽曳野市",
        "department": "生活福祉課",
        "position": "ケースワーカー",
        "kind": "post",
        "field": "",
        "started_on": start.isoformat(),
        "ended_on": "",
    }
    data.update(extra)
    return client.post("/account/assignments/", data)


def test_a_planned_move_waits_for_its_first_day(login, taxman):
    start = today() + 30 * DAY
    response = plan_welfare_move(login(taxman), start)

    assert response.status_code == 302
    assert response["Location"] == "/fields/public-assistance/"  # to prepare for the move
    taxman.refresh_from_db()
    assert taxman.department == "税務課"  # still the current job
    assert taxman.next_move_on == start
    old, new = (
        Assignment.objects.get(user=taxman, department="税務課"),
        Assignment.objects.get(user=taxman, department="生活福祉課"),
    )
    assert old.ended_on == start - DAY
    assert (new.state, new.field.slug) == ("planned", "public-assistance")


def test_on_the_first_day_the_member_is_greeted_with_the_new_fields_page_once(
    login, taxman, monkeypatch
):
    start = today() + 30 * DAY
    client = login(taxman)
    plan_welfare_move(client, start)
    travel_to(monkeypatch, start)

    first = client.get("/", HTTP_ACCEPT="text/html")
    assert first.status_code == 302 and first["Location"] == "/fields/public-assistance/"
    page = client.get(first["Location"]).content.decode()
    assert 'id="welcome-heading"' in page

    assert client.get("/").status_code == 200  # once only
    assert 'id="welcome-heading"' not in client.get("/fields/public-assistance/").content.decode()
    taxman.refresh_from_db()
    assert (taxman.department, taxman.position, taxman.next_move_on) == (
        "生活福祉課",
        "ケースワーカー",
        None,
    )


def test_posts_keep_the_department_the_author_had_when_posting(login, taxman, monkeypatch):
    board = MembershipFactory(user=taxman).board
    start = today() + 30 * DAY
    client = login(taxman)
    plan_welfare_move(client, start)
    before = make_topic(taxman, board, title="住民税の特別徴収について")
    travel_to(monkeypatch, start)
    client.get("/")
    taxman.refresh_from_db()
    after = make_topic(taxman, board, title="扶養照会について")

    departments = dict(
        Post.objects.filter(number=1).values_list("topic__title", "author_department")
    )
    assert departments[before.title] == "税務課"
    assert departments[after.title] == "生活福祉課"


def test_a_scripts_background_request_leaves_the_greeting_to_the_next_page_load(
    login, taxman, monkeypatch
):
    start = today() + DAY
    client = login(taxman)
    plan_welfare_move(client, start)
    travel_to(monkeypatch, start)
    poll = client.get("/notifications/count/", HTTP_SEC_FETCH_MODE="cors")
    assert poll.status_code == 200
    page = client.get("/boards/", HTTP_ACCEPT="text/html", HTTP_SEC_FETCH_MODE="navigate")
    assert page.status_code == 302 and page["Location"] == "/fields/public-assistance/"


def test_a_form_sent_on_the_first_day_starts_the_move_and_greets_on_the_next_page(
    login, taxman, monkeypatch
):
    board = MembershipFactory(user=taxman).board
    start = today() + DAY
    client = login(taxman)
    plan_welfare_move(client, start)
    travel_to(monkeypatch, start)
    client.post(f"/boards/{board.slug}/new/", {"title": "着任しました", "body": "よろしく"})
    assert Post.objects.get(topic__title="着任しました").author_department == "生活福祉課"
    page = client.get("/")
    assert page.status_code == 302 and page["Location"] == "/fields/public-assistance/"


def test_cancelling_a_planned_move_reopens_the_current_post(login, taxman):
    start = today() + 30 * DAY
    client = login(taxman)
    plan_welfare_move(client, start)
    planned = Assignment.objects.get(user=taxman, department="生活福祉課")

    client.post(f"/account/assignments/{planned.pk}/delete/")

    assert not Assignment.objects.filter(pk=planned.pk).exists()
    assert Assignment.objects.get(user=taxman, department="税務課").ended_on is None
    taxman.refresh_from_db()
    assert taxman.next_move_on is None


def test_a_concurrent_post_runs_beside_the_regular_post(login, taxman):
    client = login(taxman)
    plan_welfare_move(client, today(), department="選挙管理委員会事務局", kind="concurrent")
    assert Assignment.objects.get(user=taxman, department="税務課").ended_on is None
    taxman.refresh_from_db()
    assert taxman.department == "税務課"
    concurrent = Assignment.objects.get(user=taxman, department="選挙管理委員会事務局")
    assert (concurrent.state, concurrent.field.slug) == ("current", "elections")


def test_a_secondment_is_where_the_member_works_while_the_home_post_stays(taxman, places):
    services.add_assignment(
        taxman,
        municipality=places["osaka"],
        department="健康医療部 感染症対策課",
        kind=Assignment.Kind.SECONDMENT,
        started_on=today(),
        ended_on=today() + 700 * DAY,
    )
    taxman.refresh_from_db()
    assert (taxman.municipality, taxman.department) == (places["osaka"], "健康医療部 感染症対策課")
    assert Assignment.objects.get(user=taxman, department="税務課").ended_on is None


def test_the_member_corrects_the_field_of_an_assignment(login, taxman, registry):
    assignment = Assignment.objects.get(user=taxman)
    login(taxman).post(
        f"/account/assignments/{assignment.pk}/field/", {"field": registry["tax-collection"].pk}
    )
    assignment.refresh_from_db()
    assert (assignment.field.slug, assignment.field_chosen_by_member) == ("tax-collection", True)


def test_nobody_changes_someone_elses_assignments(login, taxman, verified_user):
    assignment = Assignment.objects.get(user=taxman)
    client = login(verified_user)
    assert client.post(f"/account/assignments/{assignment.pk}/delete/").status_code == 403
    assert client.post(f"/account/assignments/{assignment.pk}/field/", {}).status_code == 403
    assert Assignment.objects.filter(pk=assignment.pk, field__slug="tax-residents").exists()


def test_an_end_before_the_start_is_refused_and_everything_typed_is_kept(login, taxman):
    response = plan_welfare_move(login(taxman), today(), ended_on=(today() - 10 * DAY).isoformat())
    page = response.content.decode()
    assert response.status_code == 200
    assert "生活福祉課" in page and "ケースワーカー" in page
    assert 'aria-invalid="true"' in page
    assert not Assignment.objects.filter(user=taxman, department="生活福祉課").exists()


def test_the_profile_shows_the_timeline_with_planned_current_and_past_posts(
    login, taxman, verified_user
):
    plan_welfare_move(login(taxman), today() + 30 * DAY)
    services.add_assignment(
        taxman,
        municipality=taxman.municipality,
        department="選挙管理委員会事務局",
        kind=Assignment.Kind.CONCURRENT,
        started_on=datetime.date(2021, 4, 1),
        ended_on=datetime.date(2022, 3, 31),
    )
    page = login(verified_user).get(f"/members/{taxman.pk}/").content.decode()
    timeline = page.split('class="plain-list profile-timeline"')[1]
    # Newest start first: the planned move, the concurrent post of 2021, the post since 2020.
    assert timeline.index("生活福祉課") < timeline.index("選挙管理") < timeline.index("税務課")
    assert "badge--pending" in page  # planned
    assert "/fields/public-assistance/" in page
    assert taxman.email not in page


def test_a_past_post_entered_for_the_record_leaves_the_current_post_alone(taxman, places):
    services.add_assignment(
        taxman,
        municipality=places["habikino"],
        department="保険年金課",
        started_on=datetime.date(2021, 4, 1) + 400 * DAY,
        ended_on=datetime.date(2023, 3, 31),
    )
    current = Assignment.objects.get(user=taxman, department="税務課")
    assert current.ended_on is None
    taxman.refresh_from_db()
    assert taxman.department == "税務課"


def test_a_new_department_on_the_profile_ends_the_current_post_yesterday(taxman):
    services.update_profile(taxman, department="生活福祉課")

    old, new = (
        Assignment.objects.get(user=taxman, department="税務課"),
        Assignment.objects.get(user=taxman, department="生活福祉課"),
    )
    assert old.ended_on == today() - DAY
    assert (new.started_on, new.ended_on, new.field.slug) == (today(), None, "public-assistance")


def test_changing_the_department_twice_in_a_day_corrects_the_same_post(taxman):
    services.update_profile(taxman, department="市民課")
    services.update_profile(taxman, department="生活福祉課 保護係")

    started = Assignment.objects.filter(user=taxman, started_on=today())
    assert [(a.department, a.field.slug) for a in started] == [
        ("生活福祉課 保護係", "public-assistance")
    ]
    assert Assignment.objects.get(user=taxman, department="税務課").ended_on == today() - DAY


def test_a_profile_change_leaves_planned_and_concurrent_posts_as_they_were(login, taxman):
    client = login(taxman)
    plan_welfare_move(client, today(), department="選挙管理委員会事務局", kind="concurrent")
    start = today() + 30 * DAY
    plan_welfare_move(client, start)
    taxman.refresh_from_db()

    services.update_profile(taxman, department="市民課")

    concurrent = Assignment.objects.get(user=taxman, department="選挙管理委員会事務局")
    planned = Assignment.objects.get(user=taxman, department="生活福祉課")
    today_post = Assignment.objects.get(user=taxman, department="市民課")
    assert (concurrent.ended_on, planned.started_on, planned.ended_on) == (None, start, None)
    assert (today_post.started_on, today_post.ended_on) == (today(), start - DAY)
    taxman.refresh_from_db()
    assert taxman.next_move_on == start


def test_a_field_chosen_for_the_first_department_of_the_day_does_not_stick_to_the_second(
    taxman, registry
):
    services.update_profile(taxman, department="市民課")
    today_post = Assignment.objects.get(user=taxman, department="市民課")
    services.set_assignment_field(taxman, today_post, registry["vaccination"])

    services.update_profile(taxman, department="生活福祉課")

    today_post.refresh_from_db()
    assert (today_post.department, today_post.field.slug) == ("生活福祉課", "public-assistance")
    assert today_post.field_chosen_by_member is False


def test_a_new_position_changes_todays_post_only(login, taxman):
    client = login(taxman)
    plan_welfare_move(client, today(), department="選挙管理委員会事務局", kind="concurrent")
    plan_welfare_move(client, today() + 30 * DAY)
    taxman.refresh_from_db()

    services.update_profile(taxman, position="係長")

    positions = dict(Assignment.objects.filter(user=taxman).values_list("department", "position"))
    assert positions == {  # the concurrent and the planned post keep what they were given
        "税務課": "係長",
        "選挙管理委員会事務局": "ケースワーカー",
        "生活福祉課": "ケースワーカー",
    }


def test_a_name_stored_with_invisible_characters_is_no_move_when_saved_again(taxman):
    Assignment.objects.filter(user=taxman).update(department="税務課\u200b")
    type(taxman).objects.filter(pk=taxman.pk).update(department="税務課\u200b")
    taxman.refresh_from_db()

    services.update_profile(taxman, department="税務課")

    assert Assignment.objects.filter(user=taxman).count() == 1
    assert Assignment.objects.get(user=taxman).ended_on is None
