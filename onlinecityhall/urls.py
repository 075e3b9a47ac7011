"""Top-level URLs."""

from django.contrib import admin
from django.urls import include, path

from onlinecityhall import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    # Before the forums: their topics/<id>/<slug>/ would catch topics/<id>/moderate/.
    path("", include("moderation.urls")),
    path("", include("fields.urls")),
    path("", include("forums.urls")),
    path("", include("meetings.urls")),
    path("", include("progress.urls")),
    path("search/", include("search.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("attachments.urls")),
    path("conversations/", include("conversations.urls")),
    path("admin/", admin.site.urls),
]
