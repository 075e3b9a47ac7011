"""allauth adapter: new members start unverified and land on the right page after sign-in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import User
from accounts.permissions import is_verified_member


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        if is_verified_member(request.user):
            return super().get_login_redirect_url(request)
        return reverse("accounts:status")

    def pre_login(self, request, user, **kwargs):
        """A suspended member is turned away at the door, not only on the next request."""
        if user.status == User.Status.SUSPENDED:
            return redirect("accounts:suspended")
        return super().pre_login(request, user, **kwargs)

    def get_email_verification_redirect_url(self, email_address):
        return reverse("accounts:status")
