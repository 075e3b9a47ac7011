"""Suspended members are signed out on their very next request."""

from django.contrib.auth import logout
from django.shortcuts import redirect

from accounts.models import User


class SuspendedUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and (user.status == User.Status.SUSPENDED or not user.is_active):
            logout(request)
            return redirect("accounts:suspended")
        return self.get_response(request)
