"""Site moderation writes into the same audit log: verification, suspension, domains."""

import pytest
from django.urls import reverse

from accounts.models import User
from moderation.models import AuditEntry
from tests.factories import UserFactory
from tests.moderation.conftest import only_entry

pytestmark = pytest.mark.django_db


def test_suspension_and_reinstatement_are_logged_once(login, site_moderator, member):
    client = login(site_moderator)
    for _ in range(2):
        client.post(reverse("moderation:suspend", args=[member.pk]), {"reason": "広告の連投"})
    entry = only_entry(action=AuditEntry.Action.USER_SUSPENDED)
    assert (entry.actor, entry.target_user, entry.reason) == (site_moderator, member, "広告の連投")
    assert entry.after == {"status": "suspended"}
    for _ in range(2):
        client.post(reverse("moderation:reinstate", args=[member.pk]))
    assert only_entry(action=AuditEntry.Action.USER_REINSTATED).before == {"status": "suspended"}


def test_verification_decisions_and_domain_registration_are_logged(login, site_moderator):
    applicant = UserFactory(status=User.Status.PENDING, email="kondo@city.sakai.lg.jp")
    login(site_moderator).post(
        reverse("moderation:approve_member", args=[applicant.pk]), {"register_domain": "on"}
    )
    assert only_entry(action=AuditEntry.Action.USER_APPROVED).target_user == applicant
    entry = only_entry(action=AuditEntry.Action.DOMAIN_REGISTERED)
    assert (entry.actor, entry.target_label) == (site_moderator, "city.sakai.lg.jp")


def test_a_refused_free_mail_registration_approves_nobody_and_logs_nothing(
    login, site_moderator, pending_user
):
    login(site_moderator).post(
        reverse("moderation:approve_member", args=[pending_user.pk]), {"register_domain": "on"}
    )
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.PENDING
    assert not AuditEntry.objects.exists()


def test_rejection_is_logged_with_its_reason(login, site_moderator, pending_user):
    login(site_moderator).post(
        reverse("moderation:reject_member", args=[pending_user.pk]),
        {"reason": "確認できませんでした"},
    )
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.REJECTED
    assert only_entry(action=AuditEntry.Action.USER_REJECTED).reason == "確認できませんでした"
