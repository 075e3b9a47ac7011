"""Specs for signing up through allauth's real views and the verification that follows.

Each test types the sign-up form as a person would, opens the confirmation link from the e-mail
and checks where the new member ends up: verified at once, verified but flagged for a moderator,
or waiting for review.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts import queries
from accounts.models import (
    Assignment,
    Municipality,
    User,
    VerificationEvent,
    local_government_check_digit,
)
from tests.factories import MunicipalityDomainFactory, MunicipalityFactory

PASSWORD = "Sakura-no-hana-2024!"
CONFIRM_CODE = re.compile(r"^ {4}(\S+)$", re.MULTILINE)
CODE_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/\?code=\S+)")
JAPANESE_COMPILED = (Path(settings.BASE_DIR) / "locale/ja/LC_MESSAGES/django.mo").exists()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts sign-ups and logins in the cache, which outlives a single test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def habikino(db):
    return MunicipalityFactory()


def municipality(code5: str, prefecture: str, name: str, **extra) -> Municipality:
    return Municipality.objects.create(
        code=code5 + local_government_check_digit(code5),
        prefecture=prefecture,
        name=name,
        kind=extra.pop("kind", Municipality.Kind.CITY),
        **extra,
    )


def signup_data(**overrides) -> dict:
    data = {
        "email": "tanaka@city.habikino.lg.jp",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "full_name": "田中 一郎",
        "display_name": "田中（羽曳野市）",
        "municipality": "羽曳野市",
        "department": "健康増進課",
        "position": "主査",
    }
    data.update(overrides)
    return data


def sign_up(client: Client, **overrides):
    return client.post(reverse("account_signup"), signup_data(**overrides))


def confirmation_code(address: str) -> str:
    messages = [message for message in mail.outbox if address in message.to]
    assert messages, f"no confirmation e-mail was sent to {address}"
    match = CONFIRM_CODE.search(messages[-1].body)
    assert match, messages[-1].body
    return match.group(1)


def sign_up_and_confirm(client: Client, **overrides) -> User:
    response = sign_up(client, **overrides)
    assert response.status_code == 302, response.content.decode()[:2000]
    email = signup_data(**overrides)["email"]
    user = User.objects.get(email=email)
    assert user.status == User.Status.UNVERIFIED

    response = client.post(
        reverse("account_email_verification_sent"), {"code": confirmation_code(email)}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    return user


# --- Outcome of e-mail confirmation ----------------------------------------------------------


def test_work_address_of_a_registered_domain_is_verified_at_once(client, habikino):
    MunicipalityDomainFactory(municipality=habikino, domain="city.habikino.lg.jp")

    user = sign_up_and_confirm(client)

    assert user.status == User.Status.VERIFIED
    assert user.domain_mismatch is False
    assert user.municipality == habikino
    assert (user.full_name, user.display_name, user.position) == (
        "田中 一郎",
        "田中（羽曳野市）",
        "主査",
    )
    assignment = Assignment.objects.get(user=user)
    assert (assignment.department, assignment.municipality, assignment.ended_on) == (
        "健康増進課",
        habikino,
        None,
    )
    assert VerificationEvent.objects.filter(
        user=user, old_status=User.Status.UNVERIFIED, new_status=User.Status.VERIFIED
    ).exists()
    assert user not in queries.review_queue()


def test_verified_member_is_signed_in_after_confirming_and_can_read_the_boards(client, habikino):
    MunicipalityDomainFactory(municipality=habikino, domain="city.habikino.lg.jp")
    sign_up_and_confirm(client)

    assert client.get(reverse("forums:board_list")).status_code == 200


def test_subdomain_of_a_registered_domain_is_verified_at_once(client, habikino):
    MunicipalityDomainFactory(municipality=habikino, domain="city.habikino.lg.jp")

    user = sign_up_and_confirm(client, email="suzuki@mail.city.habikino.lg.jp")

    assert user.status == User.Status.VERIFIED
    assert user.domain_mismatch is False


def test_municipality_typed_with_its_prefecture_and_a_space_is_understood(client, habikino):
    MunicipalityDomainFactory(municipality=habikino, domain="city.habikino.lg.jp")

    user = sign_up_and_confirm(client, municipality="大阪府 羽曳野市")

    assert user.municipality == habikino
    assert user.status == User.Status.VERIFIED


def test_municipality_typed_by_its_code_is_understood(client, habikino):
    user = sign_up_and_confirm(client, municipality="272221")

    assert user.municipality == habikino


def test_unregistered_lg_jp_address_waits_for_review_as_strong_evidence(client, habikino):
    MunicipalityDomainFactory(municipality=habikino, domain="city.habikino.lg.jp")

    user = sign_up_and_confirm(client, email="sato@city.sakai.lg.jp")

    assert user.status == User.Status.PENDING
    assert user in queries.review_queue()
    [assessment] = queries.assess_members([user])
    assert assessment.government_evidence
    assert assessment.decision.reason == "government_unregistered"


def test_registered_domain_of_another_municipality_waits_for_review(client, habikino):
    fujiidera = municipality("27226", "大阪府", "藤井寺市")
    MunicipalityDomainFactory(municipality=fujiidera, domain="city.fujiidera.lg.jp")

    user = sign_up_and_confirm(client, email="sato@city.fujiidera.lg.jp")

    assert user.municipality == habikino
    assert user.status == User.Status.PENDING
    assert user in queries.review_queue()
    [assessment] = queries.assess_members([user])
    assert assessment.decision.reason == "registered_elsewhere"
    assert assessment.registration.municipality == fujiidera


def test_gmail_registered_by_mistake_verifies_nobody(client, habikino):
    # A registration made before the rules existed: it must not let anyone in.
    MunicipalityDomainFactory(municipality=habikino, domain="gmail.com")

    user = sign_up_and_confirm(client, email="someone@gmail.com")

    assert user.status == User.Status.PENDING


def test_free_mail_address_waits_for_review(client, habikino):
    user = sign_up_and_confirm(client, email="tanaka.ichiro@gmail.com")

    assert user.status == User.Status.PENDING
    assert user.domain_mismatch is False
    assert user in queries.review_queue()
    # The job is recorded from the start, so the history is complete once approved.
    assert Assignment.objects.filter(user=user, department="健康増進課").exists()


def test_pending_applicant_sees_on_the_status_page_that_they_wait_for_review(client, habikino):
    sign_up_and_confirm(client, email="tanaka.ichiro@gmail.com")

    response = client.get(reverse("accounts:status"))

    assert response.status_code == 200
    assert response.context["member"].status == User.Status.PENDING
    assert response["Content-Language"] == "ja"  # Japanese unless the member chose otherwise
    html = response.content.decode()
    assert 'name="note"' in html  # the form to write to the reviewer
    with translation.override("ja"):
        waiting = gettext("Waiting for review")
    assert waiting in html
    if JAPANESE_COMPILED:
        assert waiting == "審査待ち"


def test_pending_applicant_cannot_open_the_boards(client, habikino):
    sign_up_and_confirm(client, email="tanaka.ichiro@gmail.com")

    response = client.get(reverse("forums:board_list"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:status")


def test_pending_applicant_can_send_a_note_to_the_reviewers(client, habikino):
    user = sign_up_and_confirm(client, email="tanaka.ichiro@gmail.com")

    response = client.post(
        reverse("accounts:status"), {"note": "  代表番号 072-958-1111 の健康増進課です。  "}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:status")
    user.refresh_from_db()
    assert user.review_note == "代表番号 072-958-1111 の健康増進課です。"
    assert user.status == User.Status.PENDING


def test_new_member_is_not_verified_before_confirming_the_address(client, habikino):
    MunicipalityDomainFactory(municipality=habikino, domain="city.habikino.lg.jp")

    response = sign_up(client)

    assert response.status_code == 302
    user = User.objects.get(email="tanaka@city.habikino.lg.jp")
    assert user.status == User.Status.UNVERIFIED
    assert not Assignment.objects.filter(user=user).exists()
    assert client.get(reverse("forums:board_list")).status_code == 302


def test_confirmation_link_opened_by_get_does_not_confirm(client, habikino):
    MunicipalityDomainFactory(municipality=habikino, domain="city.habikino.lg.jp")
    sign_up(client)
    [message] = mail.outbox

    response = client.get(CODE_LINK.search(message.body).group(1))

    assert response.status_code == 200
    assert User.objects.get(email="tanaka@city.habikino.lg.jp").status == User.Status.UNVERIFIED
    assert 'name="code"' in response.content.decode()


def test_confirmation_e_mail_carries_a_code_to_type_and_the_products_own_words(client, habikino):
    with translation.override("ja"):
        sign_up(client, HTTP_ACCEPT_LANGUAGE="ja")
    [message] = mail.outbox

    code = confirmation_code("tanaka@city.habikino.lg.jp")
    assert 4 <= len(code) <= 12
    assert code in message.subject
    assert "田中 一郎" in message.body
    assert str(settings.SITE_NAME) in message.body
    assert settings.SITE_URL in message.body
    assert "127.0.0.1" not in message.body and "testserver" not in message.body
    assert "Hello from" not in message.body
    assert CODE_LINK.search(message.body)


def test_a_wrong_code_is_refused_with_a_message_and_the_right_one_still_works(client, habikino):
    MunicipalityDomainFactory(municipality=habikino, domain="city.habikino.lg.jp")
    sign_up(client)

    wrong = client.post(reverse("account_email_verification_sent"), {"code": "XXXX-XXXX"})

    assert wrong.status_code == 200
    assert wrong.context["form"].errors
    assert User.objects.get(email="tanaka@city.habikino.lg.jp").status == User.Status.UNVERIFIED
    client.post(
        reverse("account_email_verification_sent"),
        {"code": confirmation_code("tanaka@city.habikino.lg.jp")},
    )
    assert User.objects.get(email="tanaka@city.habikino.lg.jp").status == User.Status.VERIFIED


# --- The sign-up form keeps what was typed ---------------------------------------------------


def assert_form_kept_typed_values(response, **typed):
    assert response.status_code == 200
    html = response.content.decode()
    for value in typed.values():
        assert value in html, value


def test_signup_form_keeps_every_typed_value_when_passwords_differ(client, habikino):
    response = sign_up(client, password2="Something-else-2024!")

    assert_form_kept_typed_values(
        response,
        email="tanaka@city.habikino.lg.jp",
        full_name="田中 一郎",
        display_name="田中（羽曳野市）",
        municipality="羽曳野市",
        department="健康増進課",
        position="主査",
    )
    assert response.context["form"].errors
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_form_keeps_every_typed_value_when_the_municipality_is_unknown(client, habikino):
    response = sign_up(client, municipality="存在しない市")

    assert_form_kept_typed_values(
        response,
        full_name="田中 一郎",
        display_name="田中（羽曳野市）",
        municipality="存在しない市",
        department="健康増進課",
        position="主査",
    )
    assert "municipality" in response.context["form"].errors
    assert "存在しない市" in response.context["form"].errors["municipality"][0]
    assert not User.objects.exists()


def test_ambiguous_municipality_name_lists_every_candidate(client, db):
    municipality("13206", "東京都", "府中市")
    municipality("34208", "広島県", "府中市")

    response = sign_up(client, municipality="府中市")

    assert response.status_code == 200
    [error] = response.context["form"].errors["municipality"]
    assert "東京都 府中市" in error
    assert "広島県 府中市" in error
    assert not User.objects.exists()


def test_ambiguous_municipality_name_is_resolved_by_adding_the_prefecture(client, db):
    municipality("13206", "東京都", "府中市")
    hiroshima_fuchu = municipality("34208", "広島県", "府中市")

    user = sign_up_and_confirm(
        client, municipality="広島県府中市", email="kimura@city.fuchu.hiroshima.jp"
    )

    assert user.municipality == hiroshima_fuchu


def test_department_is_required_on_signup(client, habikino):
    response = sign_up(client, department="")

    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not User.objects.exists()


def test_same_address_cannot_sign_up_twice_and_the_form_does_not_reveal_it(client, habikino):
    sign_up(client)
    cache.clear()
    mail.outbox.clear()

    # allauth prevents account enumeration: the stranger sees the usual "check your mail" page,
    # and the owner of the address is told that somebody tried to sign up with it.
    response = Client().post(reverse("account_signup"), signup_data(full_name="別人 二郎"))

    assert response.status_code == 302
    assert User.objects.filter(email="tanaka@city.habikino.lg.jp").count() == 1
    assert User.objects.get(email="tanaka@city.habikino.lg.jp").full_name == "田中 一郎"
    assert [message.to for message in mail.outbox] == [["tanaka@city.habikino.lg.jp"]]
    assert not CODE_LINK.search(mail.outbox[0].body)
    assert not CONFIRM_CODE.search(mail.outbox[0].body)


# --- Municipality suggestions ----------------------------------------------------------------


def test_municipality_search_suggests_by_part_of_the_name(client, habikino):
    municipality("27226", "大阪府", "藤井寺市")

    response = client.get(reverse("accounts:municipality_search"), {"q": "羽曳野"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"results": [{"code": "272221", "label": "大阪府 羽曳野市"}]}


def test_municipality_search_finds_by_prefecture_and_name_and_kana(client, habikino):
    municipality("27226", "大阪府", "藤井寺市", kana="フジイデラシ")
    municipality("13206", "東京都", "府中市")

    by_prefecture = client.get(reverse("accounts:municipality_search"), {"q": "大阪府"}).json()
    by_kana = client.get(reverse("accounts:municipality_search"), {"q": "フジイデラ"}).json()
    by_words = client.get(reverse("accounts:municipality_search"), {"q": "大阪府 羽曳野"}).json()

    assert [item["label"] for item in by_prefecture["results"]] == [
        "大阪府 羽曳野市",
        "大阪府 藤井寺市",
    ]
    assert [item["label"] for item in by_kana["results"]] == ["大阪府 藤井寺市"]
    assert [item["label"] for item in by_words["results"]] == ["大阪府 羽曳野市"]


@pytest.mark.parametrize("typed", ["ふじいでら", "ﾌｼﾞｲﾃﾞﾗ", "フジイデラ"])
def test_municipality_search_finds_the_reading_typed_in_any_kana(client, habikino, typed):
    municipality("27226", "大阪府", "藤井寺市", kana="フジイデラシ")

    found = client.get(reverse("accounts:municipality_search"), {"q": typed}).json()

    assert [item["label"] for item in found["results"]] == ["大阪府 藤井寺市"]


def test_municipality_search_with_empty_text_returns_nothing(client, habikino):
    response = client.get(reverse("accounts:municipality_search"), {"q": "  "})

    assert response.json() == {"results": []}


def test_municipality_search_only_answers_get(client, habikino):
    response = client.post(reverse("accounts:municipality_search"), {"q": "羽曳野"})

    assert response.status_code == 405


# --- The product's own words in account e-mails ----------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_password_reset_e_mail_names_the_member_and_the_site_in_their_language(
    client, habikino, language
):
    from tests.factories import UserFactory

    UserFactory(email="tanaka@city.habikino.lg.jp", full_name="田中 一郎")

    client.post(
        reverse("account_reset_password"),
        {"email": "tanaka@city.habikino.lg.jp"},
        HTTP_ACCEPT_LANGUAGE=language,
        headers={"cookie": f"django_language={language}"},
    )

    [message] = mail.outbox
    assert "田中 一郎" in message.body
    assert re.search(r"^\s+[A-Z0-9-]{6,}$", message.body, re.MULTILINE)  # a code to type
    assert "/accounts/password/reset/key/" not in message.body  # no link to be sanitised away
    assert "Hello from" not in message.body and "testserver" not in message.body
    with translation.override(language):
        assert gettext("Setting a new password") in message.subject
        site_name = str(settings.SITE_NAME)  # in the member's language, subject and text
        assert message.subject.startswith(f"[{site_name}] ") and site_name in message.body
    if JAPANESE_COMPILED:
        assert ("パスワードの再設定" in message.subject) == (language == "ja")


def test_an_applicant_waiting_for_review_is_shown_where_they_stand_not_the_landing_page(
    login, pending_user
):
    response = login(pending_user).get("/")
    assert response.status_code == 302 and response["Location"] == "/account/status/"


def test_the_password_rules_stay_inside_the_password_field_they_describe(client):
    html = client.get("/accounts/signup/").content.decode()
    assert 'aria-describedby="id_password1_helptext"' in html
    assert '<div class="helptext" id="id_password1_helptext"><ul>' in html
    assert "<p>" not in html.split('id="id_password1_helptext"')[0].rsplit("<form", 1)[-1]


def test_a_new_password_is_set_with_the_code_from_the_e_mail_typed_in_the_same_browser(
    client, habikino
):
    from tests.factories import UserFactory

    member = UserFactory(email="tanaka@city.habikino.lg.jp", full_name="田中 一郎")
    asked = client.post(reverse("account_reset_password"), {"email": member.email})
    assert asked.status_code == 302
    code = re.search(r"^\s+([A-Z0-9-]{6,})$", mail.outbox[0].body, re.MULTILINE).group(1)
    assert "60" in mail.outbox[0].body  # minutes the code is valid

    wrong = client.post(reverse("account_confirm_password_reset_code"), {"code": "WRONG1"})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()
    right = client.post(reverse("account_confirm_password_reset_code"), {"code": code})
    assert right.status_code == 302
    done = client.post(
        right["Location"], {"password1": "kawaii-sakura-2026", "password2": "kawaii-sakura-2026"}
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password("kawaii-sakura-2026")
