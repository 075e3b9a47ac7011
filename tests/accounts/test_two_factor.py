"""TOTP two-factor authentication: open to everyone, and it can be required for moderators."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_member_can_set_up_totp_after_signing_in(client, verified_user):
    client.post(
        reverse("account_login"),
        {"login": verified_user.email, "password": "correct-horse-battery-42"},
    )
    assert client.get(reverse("mfa_index")).status_code == 200
    # allauth asks for the password again before a security change.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": "correct-horse-battery-42"})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "otpauth://" in page.content.decode() or "secret" in page.content.decode().lower()


def test_moderators_are_sent_to_set_up_totp_when_it_is_required(login, site_moderator, settings):
    settings.REQUIRE_MFA_FOR_MODERATORS = True
    response = login(site_moderator).get(reverse("moderation:review_queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_moderators_with_totp_reach_the_queue_when_it_is_required(login, site_moderator, settings):
    settings.REQUIRE_MFA_FOR_MODERATORS = True
    Authenticator.objects.create(
        user=site_moderator, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    assert login(site_moderator).get(reverse("moderation:review_queue")).status_code == 200


def test_without_the_requirement_moderators_work_without_totp(login, site_moderator):
    assert login(site_moderator).get(reverse("moderation:review_queue")).status_code == 200
