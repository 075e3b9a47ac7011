"""Who may do what with members and verification. Pure functions, used by views and consumers."""

from allauth.mfa.models import Authenticator
from django.conf import settings


def is_verified_member(user) -> bool:
    """Only verified staff read or write anything beyond their own profile."""
    return bool(user and user.is_authenticated and user.is_verified)


def can_moderate_site(user) -> bool:
    return is_verified_member(user) and (user.is_site_moderator or user.is_superuser)


def needs_mfa_for_moderation(user) -> bool:
    """True when moderators must use TOTP and this moderator has not set it up yet."""
    if not settings.REQUIRE_MFA_FOR_MODERATORS:
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def can_view_profile(user, member) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk == member.pk:
        return True
    return is_verified_member(user)


def can_edit_profile(user, member) -> bool:
    return user.is_authenticated and user.pk == member.pk and user.is_active


def can_review_verification(user) -> bool:
    return can_moderate_site(user)


def can_suspend(user, member) -> bool:
    return can_moderate_site(user) and member.pk != user.pk and not member.is_superuser


def can_confirm_domain(user, registration) -> bool:
    """The second look on a domain outside lg.jp / go.jp comes from another site moderator."""
    return can_moderate_site(user) and registration.registered_by_id != user.pk
