"""Specs for the registry of organisations' e-mail domains, through every door that writes it:
the review queue, the profile page and the domain list. The same rules decide at each door."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts import queries, services
from accounts.models import MunicipalityDomain, User
from moderation.models import AuditEntry
from tests.factories import MunicipalityDomainFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def second_moderator(db):
    return UserFactory(is_site_moderator=True, full_name="佐藤 次郎")


# --- Personal domains: never registrable, at any door ----------------------------------------


@pytest.mark.parametrize("email", ["tanaka@gmail.com", "tanaka@docomo.ne.jp", "t@mailinator.com"])
def test_review_queue_explains_instead_of_offering_to_register_a_personal_domain(
    login, site_moderator, email
):
    applicant = UserFactory(status=User.Status.PENDING, email=email)

    html = login(site_moderator).get(reverse("moderation:review_queue")).content.decode()

    assert f'id="register-{applicant.pk}"' not in html
    assert "can never be registered" in html or "登録できません" in html


@pytest.mark.parametrize("email", ["tanaka@gmail.com", "tanaka@docomo.ne.jp"])
def test_forged_registration_of_a_personal_domain_is_refused_at_both_doors(
    login, site_moderator, email
):
    applicant = UserFactory(status=User.Status.PENDING, email=email)
    client = login(site_moderator)

    from_queue = client.post(
        reverse("moderation:approve_member", args=[applicant.pk]), {"register_domain": "on"}
    )
    from_profile = client.post(reverse("moderation:register_domain", args=[applicant.pk]))

    assert not MunicipalityDomain.objects.exists()
    assert messages_of(from_queue) and messages_of(from_profile)
    applicant.refresh_from_db()
    assert applicant.status == User.Status.PENDING  # nothing half-done
    assert not AuditEntry.objects.exists()


def test_profile_page_explains_why_a_personal_domain_cannot_be_registered(login, site_moderator):
    member = UserFactory(email="someone@yahoo.co.jp")

    html = login(site_moderator).get(reverse("accounts:profile", args=[member.pk])).content
    html = html.decode()

    assert reverse("moderation:register_domain", args=[member.pk]) not in html
    assert "yahoo.co.jp" in html


# --- Government domains: strong evidence, in effect at once ----------------------------------


def test_unregistered_lg_jp_applicant_is_shown_as_strong_evidence(login, site_moderator):
    applicant = UserFactory(status=User.Status.PENDING, email="kondo@city.sakai.lg.jp")

    response = login(site_moderator).get(reverse("moderation:review_queue"))

    [assessment] = response.context["assessments"]
    assert assessment.member == applicant
    assert assessment.government_evidence
    assert assessment.rule.allowed and not assessment.rule.needs_second_moderator
    assert f'id="register-{applicant.pk}"' in response.content.decode()


def test_a_registered_lg_jp_domain_takes_effect_at_once(login, site_moderator):
    member = UserFactory(email="clerk@city.sakai.lg.jp")

    login(site_moderator).post(reverse("moderation:register_domain", args=[member.pk]))

    registration = MunicipalityDomain.objects.get(domain="city.sakai.lg.jp")
    assert registration.in_effect
    assert (registration.registered_by, registration.confirmed_by) == (
        site_moderator,
        site_moderator,
    )


# --- Other domains: a second site moderator confirms -----------------------------------------


def test_other_domain_waits_for_a_second_moderator_and_the_proposer_cannot_confirm(
    login, site_moderator, second_moderator
):
    member = UserFactory(email="clerk@city.example.jp")
    login(site_moderator).post(reverse("moderation:register_domain", args=[member.pk]))
    registration = MunicipalityDomain.objects.get(domain="city.example.jp")
    assert not registration.in_effect

    response = login(site_moderator).post(
        reverse("moderation:confirm_domain", args=[registration.pk])
    )
    registration.refresh_from_db()
    assert not registration.in_effect
    assert messages_of(response)

    login(second_moderator).post(reverse("moderation:confirm_domain", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.in_effect
    assert registration.confirmed_by == second_moderator
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor"))
    assert actions == [
        ("domain.proposed", site_moderator.pk),
        ("domain.confirmed", second_moderator.pk),
    ]


def test_domain_list_shows_proposals_with_confirm_only_for_another_moderator(
    login, site_moderator, second_moderator
):
    municipality = MunicipalityFactory()
    proposal = MunicipalityDomain.objects.create(
        municipality=municipality, domain="city.example.jp", registered_by=site_moderator
    )
    confirm_url = reverse("moderation:confirm_domain", args=[proposal.pk])

    own = login(site_moderator).get(reverse("moderation:domains")).content.decode()
    other = login(second_moderator).get(reverse("moderation:domains")).content.decode()

    assert "city.example.jp" in own and confirm_url not in own
    assert confirm_url in other


def test_the_registered_organisation_only(login, site_moderator):
    """A domain registered to one municipality is refused for another, from the profile too."""
    MunicipalityDomainFactory(domain="city.habikino.lg.jp")
    other = MunicipalityFactory(code="272264", name="藤井寺市", kana="フジイデラシ")
    member = UserFactory(email="x@city.habikino.lg.jp", municipality=other)

    login(site_moderator).post(reverse("moderation:register_domain", args=[member.pk]))

    assert MunicipalityDomain.objects.get().municipality.name == "羽曳野市"


# --- Removing a domain -----------------------------------------------------------------------


def test_removing_a_domain_lists_the_members_it_verified_for_a_check(login, site_moderator):
    registration = MunicipalityDomainFactory(domain="city.habikino.lg.jp")
    through_it = UserFactory(
        status=User.Status.UNVERIFIED, email="a@mail.city.habikino.lg.jp", department=""
    )
    through_it = services.verify_after_email_confirmation(through_it, through_it.email)
    approved_by_hand = UserFactory(email="b@city.habikino.lg.jp")
    assert through_it.verified_through_domain == "city.habikino.lg.jp"
    client = login(site_moderator)

    response = client.post(
        reverse("moderation:remove_domain", args=[registration.pk]), {"reason": "別団体のドメイン"}
    )

    assert response.status_code == 302
    assert not MunicipalityDomain.objects.exists()
    through_it.refresh_from_db()
    assert through_it.status == User.Status.VERIFIED  # keeps access meanwhile
    assert through_it.needs_recheck
    assert through_it in queries.review_queue()
    assert approved_by_hand not in queries.review_queue()
    entry = AuditEntry.objects.get(action="domain.removed")
    assert (entry.reason, entry.after) == ("別団体のドメイン", {"members_to_check": 1})

    client.post(reverse("moderation:approve_member", args=[through_it.pk]))
    through_it.refresh_from_db()
    assert not through_it.needs_recheck
    assert AuditEntry.objects.filter(action="user.rechecked", target_user=through_it).exists()


def test_removing_a_domain_needs_a_reason(login, site_moderator):
    registration = MunicipalityDomainFactory()

    login(site_moderator).post(
        reverse("moderation:remove_domain", args=[registration.pk]), {"reason": "  "}
    )

    assert MunicipalityDomain.objects.exists()


def test_hostile_removal_reason_is_stored_as_text_and_shown_escaped(login, site_moderator):
    registration = MunicipalityDomainFactory()
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    client = login(site_moderator)

    client.post(reverse("moderation:remove_domain", args=[registration.pk]), {"reason": payload})

    assert AuditEntry.objects.get(action="domain.removed").reason == payload
    html = client.get(reverse("moderation:site_log")).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


# --- Who may use the domain pages ------------------------------------------------------------


@pytest.mark.parametrize("role", ["verified_user", "pending_user", "suspended_user", "anonymous"])
def test_only_site_moderators_see_or_change_the_registry(request, client, login, role):
    registration = MunicipalityDomainFactory(
        domain="city.example.jp", confirmed_at=None, registered_by=UserFactory()
    )
    if role != "anonymous":
        client = login(request.getfixturevalue(role))

    pages = [
        client.get(reverse("moderation:domains")),
        client.post(reverse("moderation:confirm_domain", args=[registration.pk])),
        client.post(reverse("moderation:remove_domain", args=[registration.pk]), {"reason": "x"}),
    ]

    for response in pages:
        assert response.status_code in (302, 403)
        assert "city.example.jp" not in response.content.decode()
    registration.refresh_from_db()
    assert not registration.in_effect


def test_domain_list_query_count_does_not_grow(
    login, site_moderator, django_assert_num_queries, settings
):
    settings.REQUIRE_MFA_FOR_MODERATORS = False
    client = login(site_moderator)
    MunicipalityDomainFactory()
    client.get(reverse("moderation:domains"))
    with django_assert_num_queries(6) as first:  # with the notification and conversation badges
        client.get(reverse("moderation:domains"))
    for number in range(5):
        MunicipalityDomainFactory(domain=f"city.town{number}.lg.jp", registered_by=site_moderator)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("moderation:domains"))
