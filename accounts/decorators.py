"""View decorators that apply the permission functions to a request."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from accounts import permissions


def verified_required(view):
    """Sign-in for strangers, the status page for members who are not verified yet."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_verified_member(request.user):
            return redirect("accounts:status")
        return view(request, *args, **kwargs)

    return wrapper


def site_moderator_required(view):
    @wraps(view)
    @verified_required
    def wrapper(request, *args, **kwargs):
        if not permissions.can_moderate_site(request.user):
            raise PermissionDenied
        if permissions.needs_mfa_for_moderation(request.user):
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper
