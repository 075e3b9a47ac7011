"""The wording of a verification decision (in the app and by e-mail), in the member's language."""

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
        subject = render_to_string("notifications/email/verification_subject.txt", context)
        body = render_to_string("notifications/email/verification_body.txt", context)
    return " ".join(subject.split()), body, path
