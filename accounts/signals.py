"""allauth signal handlers: a confirmed e-mail address starts verification."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from accounts import services


@receiver(email_confirmed)
def verify_after_email_confirmation(request, email_address, **kwargs):
    services.verify_after_email_confirmation(email_address.user, email_address.email)
