"""E-mails about a member's own account, sent in their language after the change commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User


def send_verification_decision(member: User, *, approved: bool, reason: str = "") -> None:
    def send() -> None:
        with translation.override(member.language or settings.LANGUAGE_CODE):
            context = {
                "member": member,
                "approved": approved,
                "reason": reason,
                "site_name": settings.SITE_NAME,
                "url": settings.SITE_URL
                + (reverse("home") if approved else reverse("accounts:status")),
            }
            subject = render_to_string("accounts/email/verification_subject.txt", context)
            body = render_to_string("accounts/email/verification_body.txt", context)
        send_mail(" ".join(subject.split()), body, None, [member.email])

    transaction.on_commit(send)
