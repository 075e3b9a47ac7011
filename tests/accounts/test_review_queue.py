"""Specs for the verification review queue that site moderators work through."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts import queries, services
from accounts.models import MunicipalityDomain, User, VerificationEvent
from tests.factories import MunicipalityFactory, UserFactory


@pytest.fixture
def applicant(db):
    """Signed up with a free-mail address, confirmed it, and now waits for a moderator."""
    return UserFactory(
        status=User.Status.PENDING,
        email="tanaka.ichiro@habikino-city.jp",
        full_name="田中 一郎",
        department="生活福祉課",
        review_note="代表番号 072-958-1111 の生活福祉課です。",
    )


def messages_of(response, level_tag: str | None = None) -> list[str]:
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if level_tag is None or message.level_tag == level_tag
    ]


# --- Approving -------------------------------------------------------------------------------


def test_moderator_approves_a_pending_applicant_and_registers_their_domain(
    login, site_moderator, applicant, django_capture_on_commit_callbacks
):
    client = login(site_moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("moderation:approve_member", args=[applicant.pk]), {"register_domain": "on"}
        )

    assert response.status_code == 302
    assert response.url == reverse("moderation:review_queue")
    applicant.refresh_from_db()
    assert applicant.status == User.Status.VERIFIED
    assert applicant.domain_mismatch is False
    registration = MunicipalityDomain.objects.get(domain="habikino-city.jp")
    assert registration.municipality == applicant.municipality
    assert registration.registered_by == site_moderator
    assert not registration.in_effect  # outside lg.jp / go.jp: a second moderator confirms
    event = VerificationEvent.objects.get(user=applicant, new_status=User.Status.VERIFIED)
    assert (event.actor, event.old_status) == (site_moderator, User.Status.PENDING)
    [message] = mail.outbox
    assert message.to == ["tanaka.ichiro@habikino-city.jp"]
    assert "田中 一郎" in message.body
    assert str(settings.SITE_NAME) in message.body  # the product's own words, not a library's
    assert any("田中 一郎" in text for text in messages_of(response, "success"))
    assert applicant not in queries.review_queue()


def test_approval_e_mail_is_sent_only_once_the_decision_is_committed(
    login, site_moderator, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        login(site_moderator).post(reverse("moderation:approve_member", args=[applicant.pk]))

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_approving_without_the_checkbox_registers_no_domain(
    login, site_moderator, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(site_moderator).post(reverse("moderation:approve_member", args=[applicant.pk]))

    applicant.refresh_from_db()
    assert applicant.status == User.Status.VERIFIED
    assert not MunicipalityDomain.objects.exists()
    assert len(mail.outbox) == 1


def test_later_sign_up_with_a_confirmed_domain_is_verified_automatically(
    login, site_moderator, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(site_moderator).post(
            reverse("moderation:approve_member", args=[applicant.pk]), {"register_domain": "on"}
        )
    early = UserFactory(
        status=User.Status.UNVERIFIED,
        email="kato.jiro@habikino-city.jp",
        municipality=applicant.municipality,
    )
    early = services.verify_after_email_confirmation(early, early.email)
    assert early.status == User.Status.PENDING  # the proposal is not in effect yet

    second = UserFactory(is_site_moderator=True, full_name="佐藤 次郎")
    registration = MunicipalityDomain.objects.get(domain="habikino-city.jp")
    login(second).post(reverse("moderation:confirm_domain", args=[registration.pk]))
    colleague = UserFactory(
        status=User.Status.UNVERIFIED,
        email="suzuki.hanako@habikino-city.jp",
        municipality=applicant.municipality,
    )

    colleague = services.verify_after_email_confirmation(colleague, colleague.email)

    assert colleague.status == User.Status.VERIFIED
    assert colleague.verified_through_domain == "habikino-city.jp"
    assert colleague.domain_mismatch is False
    assert colleague not in queries.review_queue()


def test_moderator_confirms_a_verified_member_whose_domain_did_not_match(
    login, site_moderator, django_capture_on_commit_callbacks
):
    mismatched = UserFactory(email="sato@city.fujiidera.lg.jp", domain_mismatch=True)
    assert mismatched in queries.review_queue()

    with django_capture_on_commit_callbacks(execute=True):
        login(site_moderator).post(reverse("moderation:approve_member", args=[mismatched.pk]))

    mismatched.refresh_from_db()
    assert mismatched.status == User.Status.VERIFIED
    assert mismatched.domain_mismatch is False
    assert mismatched not in queries.review_queue()
    assert mail.outbox == []  # nothing changed for the member, so nothing to tell them


def test_registering_a_domain_already_owned_by_another_municipality_is_refused(
    login, site_moderator, applicant, django_capture_on_commit_callbacks
):
    other = MunicipalityFactory(code="272264", name="藤井寺市", kana="フジイデラシ")
    MunicipalityDomain.objects.create(municipality=other, domain="habikino-city.jp")

    with django_capture_on_commit_callbacks(execute=True):
        response = login(site_moderator).post(
            reverse("moderation:approve_member", args=[applicant.pk]), {"register_domain": "on"}
        )

    assert response.status_code == 302
    assert any("habikino-city.jp" in text for text in messages_of(response, "error"))
    applicant.refresh_from_db()
    assert applicant.status == User.Status.PENDING
    assert mail.outbox == []


# --- Rejecting -------------------------------------------------------------------------------


def test_moderator_rejects_an_applicant_with_a_reason_that_is_e_mailed(
    login, site_moderator, applicant, django_capture_on_commit_callbacks
):
    reason = "羽曳野市の職員名簿で確認できませんでした。所属の代表番号を書いてください。"

    with django_capture_on_commit_callbacks(execute=True):
        response = login(site_moderator).post(
            reverse("moderation:reject_member", args=[applicant.pk]), {"reason": reason}
        )

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == User.Status.REJECTED
    assert applicant.status_reason == reason
    [message] = mail.outbox
    assert message.to == ["tanaka.ichiro@habikino-city.jp"]
    assert reason in message.body
    assert applicant not in queries.review_queue()


def test_rejected_applicant_reads_the_reason_and_asks_for_another_review(
    login, site_moderator, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(site_moderator).post(
            reverse("moderation:reject_member", args=[applicant.pk]),
            {"reason": "確認できませんでした。"},
        )
    client = login(applicant)

    assert "確認できませんでした。" in client.get(reverse("accounts:status")).content.decode()
    client.post(reverse("accounts:status"), {"note": "人事課の山本さんに確認できます。"})

    applicant.refresh_from_db()
    assert applicant.status == User.Status.PENDING
    assert applicant.review_note == "人事課の山本さんに確認できます。"
    assert applicant in queries.review_queue()


def test_rejecting_without_a_reason_is_refused_and_the_applicant_still_waits(
    login, site_moderator, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(site_moderator).post(
            reverse("moderation:reject_member", args=[applicant.pk]), {"reason": "   "}
        )

    assert response.status_code == 302
    assert response.url == reverse("moderation:review_queue")
    assert len(messages_of(response, "error")) == 1
    applicant.refresh_from_db()
    assert applicant.status == User.Status.PENDING
    assert mail.outbox == []


def test_a_verified_member_cannot_be_rejected(
    login, site_moderator, verified_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(site_moderator).post(
            reverse("moderation:reject_member", args=[verified_user.pk]), {"reason": "間違い"}
        )

    verified_user.refresh_from_db()
    assert verified_user.status == User.Status.VERIFIED
    assert mail.outbox == []


# --- Who may use the queue -------------------------------------------------------------------


def test_queue_page_lists_the_pending_applicant_with_their_note(login, site_moderator, applicant):
    response = login(site_moderator).get(reverse("moderation:review_queue"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "田中 一郎" in html
    assert "tanaka.ichiro@habikino-city.jp" in html
    assert "代表番号 072-958-1111 の生活福祉課です。" in html
    assert reverse("moderation:approve_member", args=[applicant.pk]) in html
    assert reverse("moderation:reject_member", args=[applicant.pk]) in html


def test_queue_page_does_not_list_members_who_need_nothing(
    login, site_moderator, applicant, verified_user
):
    response = login(site_moderator).get(reverse("moderation:review_queue"))

    assert [item.member for item in response.context["assessments"]] == [applicant]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("moderation:approve_member", {"register_domain": "on"}),
        ("moderation:reject_member", {"reason": "理由"}),
    ],
)
def test_ordinary_member_cannot_decide_on_applicants(login, verified_user, applicant, name, data):
    response = login(verified_user).post(reverse(name, args=[applicant.pk]), data)

    assert response.status_code == 403
    applicant.refresh_from_db()
    assert applicant.status == User.Status.PENDING
    assert not MunicipalityDomain.objects.exists()


def test_ordinary_member_cannot_open_the_queue(login, verified_user, applicant):
    assert login(verified_user).get(reverse("moderation:review_queue")).status_code == 403


def test_pending_applicant_cannot_open_the_queue(login, applicant):
    response = login(applicant).get(reverse("moderation:review_queue"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:status")


def test_anonymous_visitor_is_sent_to_sign_in(client, applicant):
    queue = reverse("moderation:review_queue")

    response = client.get(queue)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert f"next={queue}" in response.url


def test_anonymous_visitor_cannot_approve(client, applicant):
    response = client.post(reverse("moderation:approve_member", args=[applicant.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    applicant.refresh_from_db()
    assert applicant.status == User.Status.PENDING


def test_approve_and_reject_only_accept_post(login, site_moderator, applicant):
    client = login(site_moderator)

    assert client.get(reverse("moderation:approve_member", args=[applicant.pk])).status_code == 405
    assert client.get(reverse("moderation:reject_member", args=[applicant.pk])).status_code == 405


# --- Cost of the queue page ------------------------------------------------------------------

# The session, the signed-in moderator, the applicants with their municipalities in one go, the
# registry entries of all their domains in one go, and the header's count of pending moderation
# work (one query, for moderators only).
QUEUE_PAGE_QUERIES = 7  # 5 + the notification and conversation badges


def test_queue_page_query_count_does_not_grow_with_applicants(
    login, site_moderator, applicant, django_assert_num_queries, settings
):
    settings.REQUIRE_MFA_FOR_MODERATORS = False  # the TOTP check would add one query
    client = login(site_moderator)
    client.get(reverse("moderation:review_queue"))  # warm up anything cached per process

    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        assert client.get(reverse("moderation:review_queue")).status_code == 200

    for number in range(10):
        UserFactory(status=User.Status.PENDING, email=f"applicant{number}@example.jp")
    UserFactory.create_batch(3, domain_mismatch=True)

    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        response = client.get(reverse("moderation:review_queue"))
    assert len(response.context["assessments"]) == 14


def test_a_site_moderator_registers_a_members_domain_from_the_profile(login, site_moderator):
    from accounts.models import MunicipalityDomain
    from tests.factories import UserFactory

    member = UserFactory(email="clerk@town.example.lg.jp")
    client = login(site_moderator)
    assert "town.example.lg.jp" in client.get(f"/members/{member.pk}/").content.decode()
    client.post(f"/members/{member.pk}/register-domain/")
    client.post(f"/members/{member.pk}/register-domain/")  # twice: still one registration
    registration = MunicipalityDomain.objects.get(domain="town.example.lg.jp")
    assert registration.municipality_id == member.municipality_id


def test_members_cannot_register_domains(login, verified_user):
    from tests.factories import UserFactory

    other = UserFactory(email="x@city.other.lg.jp")
    assert login(verified_user).post(f"/members/{other.pk}/register-domain/").status_code == 403
