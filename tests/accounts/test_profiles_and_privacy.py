"""Specs for profiles, the member directory, and what keeps the site private."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Assignment, User
from tests.factories import MunicipalityFactory, UserFactory

PASSWORD = "correct-horse-battery-42"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts failed logins in the cache, which outlives a single test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def transferred_member(db):
    """A member who worked in 健康増進課 since last April, with that job on record."""
    member = UserFactory(
        full_name="木村 次郎", display_name="木村", department="健康増進課", position="主査"
    )
    Assignment.objects.create(
        user=member,
        municipality=member.municipality,
        department="健康増進課",
        position="主査",
        started_on=datetime.date(2024, 4, 1),
    )
    return member


def profile_data(member: User, **overrides) -> dict:
    data = {
        "full_name": member.full_name,
        "display_name": member.display_name,
        "municipality": str(member.municipality),
        "department": member.department,
        "position": member.position,
        "can_help_with": member.can_help_with,
    }
    data.update(overrides)
    return data


# --- Profile page ----------------------------------------------------------------------------


def test_verified_member_sees_a_colleagues_profile_with_assignment_history(
    login, verified_user, transferred_member
):
    response = login(verified_user).get(reverse("accounts:profile", args=[transferred_member.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "木村 次郎" in html
    assert "大阪府 羽曳野市" in html
    assert "健康増進課" in html
    assert "2024-04-01" in html
    assert not response.context["can_edit"]


def test_member_sees_their_own_profile_with_an_edit_link(login, transferred_member):
    response = login(transferred_member).get(
        reverse("accounts:profile", args=[transferred_member.pk])
    )

    assert response.status_code == 200
    assert response.context["can_edit"]
    assert reverse("accounts:profile_edit") in response.content.decode()


def test_pending_applicant_cannot_see_other_profiles(login, pending_user, transferred_member):
    response = login(pending_user).get(reverse("accounts:profile", args=[transferred_member.pk]))

    assert response.status_code == 302
    assert response.url == reverse("accounts:status")


def test_pending_applicant_can_see_their_own_profile(login, pending_user):
    response = login(pending_user).get(reverse("accounts:profile", args=[pending_user.pk]))

    assert response.status_code == 200


def test_anonymous_visitor_is_sent_to_sign_in_from_a_profile(client, transferred_member):
    url = reverse("accounts:profile", args=[transferred_member.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "木村" not in response.content.decode()


def test_unknown_profile_is_not_found(login, verified_user):
    assert login(verified_user).get(reverse("accounts:profile", args=[999_999])).status_code == 404


# --- Editing the profile ---------------------------------------------------------------------


def test_new_department_closes_the_previous_assignment_and_opens_a_new_one(
    login, transferred_member
):
    response = login(transferred_member).post(
        reverse("accounts:profile_edit"),
        profile_data(transferred_member, department="生活福祉課", position="主任"),
    )

    assert response.status_code == 302
    # A new department is a transfer: the member is shown their new field's boards and people.
    assert response.url == reverse("fields:for_department")
    transferred_member.refresh_from_db()
    assert (transferred_member.department, transferred_member.position) == ("生活福祉課", "主任")
    previous, current = Assignment.objects.filter(user=transferred_member).order_by("id")
    today = timezone.localdate()
    # The new post starts today, so the previous one ended yesterday (they never overlap).
    yesterday = today - datetime.timedelta(days=1)
    assert (previous.department, previous.ended_on) == ("健康増進課", yesterday)
    assert (current.department, current.position, current.started_on, current.ended_on) == (
        "生活福祉課",
        "主任",
        today,
        None,
    )


def test_moving_to_another_municipality_opens_a_new_assignment_there(login, transferred_member):
    fujiidera = MunicipalityFactory(code="272264", name="藤井寺市", kana="フジイデラシ")

    login(transferred_member).post(
        reverse("accounts:profile_edit"),
        profile_data(transferred_member, municipality="藤井寺市"),
    )

    current = Assignment.objects.get(user=transferred_member, ended_on__isnull=True)
    assert (current.municipality, current.department) == (fujiidera, "健康増進課")
    assert Assignment.objects.filter(user=transferred_member).count() == 2


def test_saving_the_same_department_keeps_the_assignment_open(login, transferred_member):
    login(transferred_member).post(
        reverse("accounts:profile_edit"),
        profile_data(transferred_member, can_help_with="予防接種の予診票"),
    )

    [assignment] = Assignment.objects.filter(user=transferred_member)
    assert assignment.ended_on is None
    transferred_member.refresh_from_db()
    assert transferred_member.can_help_with == "予防接種の予診票"


def test_promotion_in_the_same_department_updates_the_open_assignment(login, transferred_member):
    login(transferred_member).post(
        reverse("accounts:profile_edit"), profile_data(transferred_member, position="係長")
    )

    [assignment] = Assignment.objects.filter(user=transferred_member)
    assert (assignment.position, assignment.ended_on) == ("係長", None)


def test_profile_form_keeps_the_typed_input_on_an_error(login, transferred_member):
    response = login(transferred_member).post(
        reverse("accounts:profile_edit"),
        profile_data(
            transferred_member,
            full_name="木村 次郎（改）",
            municipality="存在しない市",
            department="生活福祉課",
            can_help_with="生活保護の相談",
        ),
    )

    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    html = response.content.decode()
    for typed in ("木村 次郎（改）", "存在しない市", "生活福祉課", "生活保護の相談"):
        assert typed in html, typed
    transferred_member.refresh_from_db()
    assert transferred_member.department == "健康増進課"
    assert Assignment.objects.filter(user=transferred_member).count() == 1


def test_profile_form_shows_the_municipality_by_name(login, transferred_member):
    html = login(transferred_member).get(reverse("accounts:profile_edit")).content.decode()

    assert 'value="大阪府 羽曳野市"' in html


def test_anonymous_visitor_cannot_edit_a_profile(client):
    response = client.get(reverse("accounts:profile_edit"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Member directory ------------------------------------------------------------------------


def directory(client: Client, text: str) -> list[User]:
    response = client.get(reverse("accounts:members"), {"q": text})
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_directory_finds_a_member_by_municipality_name(login, verified_user, transferred_member):
    client = login(verified_user)

    assert transferred_member in directory(client, "羽曳野市")
    assert transferred_member in directory(client, "大阪府 羽曳野市")


def test_directory_finds_a_member_by_department(login, verified_user, transferred_member):
    other = UserFactory(department="契約課")

    found = directory(login(verified_user), "健康増進課 木村")

    assert found == [transferred_member]
    assert other not in found


def test_directory_finds_a_member_by_a_department_they_left(
    login, verified_user, transferred_member
):
    login(transferred_member).post(
        reverse("accounts:profile_edit"),
        profile_data(transferred_member, department="生活福祉課"),
    )
    client = login(verified_user)

    assert directory(client, "生活福祉課") == [transferred_member]
    # The old job is still how newcomers to 健康増進課 find the person who did it before.
    assert transferred_member in directory(client, "健康増進課")


def test_directory_lists_each_member_once_despite_many_assignments(
    login, verified_user, transferred_member
):
    for department in ("健康増進課 第二係", "健康増進課 第三係"):
        Assignment.objects.create(
            user=transferred_member,
            municipality=transferred_member.municipality,
            department=department,
        )

    found = directory(login(verified_user), "健康増進課")

    assert found.count(transferred_member) == 1


def test_directory_hides_applicants_and_suspended_members(
    login, verified_user, pending_user, suspended_user
):
    found = directory(login(verified_user), "羽曳野市")

    assert pending_user not in found
    assert suspended_user not in found
    assert verified_user in found


def test_directory_is_only_for_verified_members(client, login, pending_user):
    response = login(pending_user).get(reverse("accounts:members"))
    assert (response.status_code, response.url) == (302, reverse("accounts:status"))

    response = client.get(reverse("accounts:members"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Privacy from search engines and shared caches -------------------------------------------


def test_robots_txt_disallows_everything(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /" in lines


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/robots.txt",
        "/accounts/login/",
        "/accounts/signup/",
        "/municipalities/search/?q=羽曳野",
        "/members/",  # a redirect to sign in
        "/members",  # CommonMiddleware's redirect to the address with a slash
        "/no-such-page/",  # a 404
    ],
)
def test_every_anonymous_response_carries_noindex(client, path):
    response = client.get(path)

    assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.parametrize(
    "name",
    ["home", "accounts:members", "accounts:profile_edit", "accounts:status", "forums:board_list"],
)
def test_every_member_response_carries_noindex_and_is_private(login, verified_user, name):
    response = login(verified_user).get(reverse(name))

    assert "noindex" in response["X-Robots-Tag"]
    assert "private" in response["Cache-Control"]


def test_forbidden_and_method_not_allowed_responses_carry_noindex(login, verified_user):
    client = login(verified_user)

    forbidden = client.get(reverse("moderation:review_queue"))
    not_allowed = client.get(reverse("moderation:approve_member", args=[verified_user.pk]))

    assert (forbidden.status_code, not_allowed.status_code) == (403, 405)
    assert "noindex" in forbidden["X-Robots-Tag"]
    assert "noindex" in not_allowed["X-Robots-Tag"]


def test_suspension_sign_out_redirect_carries_noindex(login, suspended_user):
    response = login(suspended_user).get(reverse("home"))

    assert response.status_code == 302
    assert "noindex" in response["X-Robots-Tag"]


def test_pages_also_tell_robots_not_to_index_in_their_html(client):
    assert '<meta name="robots" content="noindex, nofollow">' in client.get("/").content.decode()


# --- Sign-in rate limit ----------------------------------------------------------------------


def sign_in(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_sixth_sign_in_after_five_wrong_passwords_is_refused_even_with_the_right_one(
    verified_user,
):
    client = Client()
    for _attempt in range(5):
        response = sign_in(client, verified_user.email, "wrong-password")
        assert response.status_code == 200
        assert not is_signed_in(client)

    response = sign_in(client, verified_user.email, PASSWORD)

    assert response.status_code == 200
    assert not is_signed_in(client)
    # The per (address, account) limit of accounts/signin_limits.py, saying when to try again.
    [too_many] = response.context["form"].non_field_errors()
    assert "ログイン失敗が続いています" in too_many and "5分後" in too_many
    assert too_many in response.content.decode()


def test_rate_limit_is_per_address_and_other_members_still_sign_in(verified_user):
    colleague = UserFactory()
    for _attempt in range(5):
        sign_in(Client(), verified_user.email, "wrong-password")

    client = Client()
    response = sign_in(client, colleague.email, PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_few_wrong_passwords_do_not_lock_the_member_out(verified_user):
    client = Client()
    for _attempt in range(4):
        sign_in(client, verified_user.email, "wrong-password")

    response = sign_in(client, verified_user.email, PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_names_that_show_nothing_or_turn_text_around_are_refused_or_cleaned(
    login, transferred_member
):
    client = login(transferred_member)
    empty = client.post(
        reverse("accounts:profile_edit"),
        profile_data(transferred_member, full_name="\u200b\u200b", department="\u200b"),
    )
    assert empty.status_code == 200
    assert empty.context["form"].errors.keys() >= {"full_name", "department"}

    client.post(
        reverse("accounts:profile_edit"),
        profile_data(transferred_member, display_name="\u202eataN\u200b 太郎"),
    )
    transferred_member.refresh_from_db()
    assert transferred_member.display_name == "ataN 太郎"
