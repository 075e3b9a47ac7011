"""E-mails about a member's own account, in their language.

The decision on a verification is delivered by ``notifications`` (in the app and, from the task
worker once the change commits, by e-mail); this module keeps the wording of that e-mail.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User


def verification_decision_message(
    member: User, *, approved: bool, reason: str = ""
) -> tuple[str, str, str]:
    """Subject, plain-text body and the path it links to."""
    path = reverse("home") if approved else reverse("accounts:status")
    with translation.override(member.language or settings.LANGUAGE_CODE):
        context = {
            "member": member,
            "approved": approved,
            "reason": reason,
            "site_name": settings.SITE_NAME,
            "url": settings.SITE_URL + path,
        }
        subject = render_to_string("accounts/email/verification_subject.txt", context)
        body = render_to_string("accounts/email/verification_body.txt", context)
    return " ".join(subject.split()), body, path


def send_verification_decision(member: User, *, approved: bool, reason: str = "") -> None:
    from notifications.services import notify_verification_decided

    notify_verification_decided(member, approved=approved, reason=reason)
