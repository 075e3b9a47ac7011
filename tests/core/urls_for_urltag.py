"""A second URLconf for tests/core/test_urltag.py."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("elsewhere/<slug:slug>/", lambda request, slug: HttpResponse(), name="board")]
