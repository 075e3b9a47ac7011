"""URLs of files and avatars. A file's address holds its random key: nothing to guess."""

from django.urls import path

from attachments import views

app_name = "attachments"

urlpatterns = [
    path("files/usage/", views.usage, name="usage"),
    path("files/boards/<slug:slug>/upload/", views.upload, name="upload"),
    path("files/boards/<slug:slug>/settings/", views.board_settings, name="board_settings"),
    path("files/<uuid:key>/thumbnail/", views.thumbnail, name="thumbnail"),
    path("files/<uuid:key>/pages/", views.pdf_pages, name="pdf_pages"),
    path("files/<uuid:key>/pages/<int:number>/", views.pdf_page, name="pdf_page"),
    path("files/<uuid:key>/remove/", views.remove, name="remove"),
    path("files/<uuid:key>/<str:name>", views.download, name="download"),
    path("avatars/mine/", views.avatar_edit, name="avatar_edit"),
    path("avatars/<int:user_id>/remove/", views.avatar_remove, name="avatar_remove"),
    path(
        "avatars/<int:user_id>/<int:version>-<int:size>.webp",
        views.avatar_photo,
        name="avatar_photo",
    ),
]
