"""allauth adapter: new members start unverified and land on the right page after sign-in;
allauth's e-mails speak in the product's own words (templates/account/email/)."""

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import ngettext

from accounts import signin_limits
from accounts.models import User
from accounts.permissions import is_verified_member


def _login_of(credentials: dict) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


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

    def get_client_ip(self, request):
        """The client behind our trusted proxies, for every rate limit (see signin_limits)."""
        return signin_limits.request_address(request)

    def pre_authenticate(self, request, **credentials):
        """Per (address, account) limit and per-account slow-down instead of allauth's per-IP
        lock, which shut a whole city hall out after one person's typos."""
        refusal = signin_limits.check(request, _login_of(credentials))
        if refusal is None:
            return
        minutes = max(1, -(-refusal.wait_seconds // 60))
        if refusal.per_account or refusal.wait_seconds < 60:
            message = ngettext(
                "Too many failed sign-ins for this account. Try again in %(count)d second.",
                "Too many failed sign-ins for this account. Try again in %(count)d seconds.",
                refusal.wait_seconds,
            ) % {"count": refusal.wait_seconds}
        else:
            message = ngettext(
                "Too many failed sign-ins for this account from your network. "
                "Try again in %(count)d minute, or reset your password.",
                "Too many failed sign-ins for this account from your network. "
                "Try again in %(count)d minutes, or reset your password.",
                minutes,
            ) % {"count": minutes}
        raise forms.ValidationError(message, code="too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            signin_limits.record_success(request, _login_of(credentials))
        return user

    def authentication_failed(self, request, **credentials):
        signin_limits.record_failure(request, _login_of(credentials))

    def get_email_verification_redirect_url(self, email_address):
        return reverse("accounts:status")

    def send_mail(self, template_prefix, email, context):
        """Every account e-mail names the site and links to its public address, never to the
        host name the request happened to use."""
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        if template_prefix.endswith("password_reset_code"):
            # allauth hands the code alone: the greeting names the member, as every mail does.
            context.setdefault("user", User.objects.filter(email__iexact=email).first())
            context.setdefault(
                "code_minutes", settings.ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT // 60
            )
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        """The code to type, and a link that opens the code form with the code filled in (for
        mail systems that keep links working)."""
        code = emailconfirmation.key
        path = reverse("account_email_verification_sent") + "?" + urlencode({"code": code})
        context = {
            "user": emailconfirmation.email_address.user,
            "code": code,
            "code_url": settings.SITE_URL + path,
            "code_minutes": settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT // 60,
        }
        template = "account/email/email_confirmation" + ("_signup" if signup else "")
        self.send_mail(template, emailconfirmation.email_address.email, context)
