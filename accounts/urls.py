"""URLs of member pages (allauth's own pages live under /accounts/)."""

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
    path("members/<int:pk>/suspend/", views.suspend, name="suspend"),
    path("members/<int:pk>/reinstate/", views.reinstate, name="reinstate"),
    path("members/<int:pk>/register-domain/", views.register_domain, name="register_domain"),
    path("moderation/verification/", views.review_queue, name="review_queue"),
    path("moderation/verification/<int:pk>/approve/", views.approve, name="approve"),
    path("moderation/verification/<int:pk>/reject/", views.reject, name="reject"),
    path("moderation/domains/", views.domain_list, name="domains"),
    path("moderation/domains/<int:pk>/confirm/", views.confirm_domain, name="confirm_domain"),
    path("moderation/domains/<int:pk>/remove/", views.remove_domain, name="remove_domain"),
]
