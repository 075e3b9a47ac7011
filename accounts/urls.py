"""URLs of member pages (allauth's own pages live under /accounts/; site moderators' decisions
on members are in ``moderation.urls``)."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/status/", views.status, name="status"),
    path("account/suspended/", views.suspended, name="suspended"),
    path("account/profile/", views.profile_edit, name="profile_edit"),
    path("municipalities/search/", views.municipality_search, name="municipality_search"),
    path("members/", views.member_directory, name="members"),
    path("members/<int:pk>/", views.profile, name="profile"),
]
