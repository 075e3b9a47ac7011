"""URLs of boards and topics. These paths are stable: other parts of the system link to them."""

from django.urls import path

from forums import streams, views

app_name = "forums"

urlpatterns = [
    path("boards/", views.board_list, name="board_list"),
    path("boards/<slug:slug>/", views.board_detail, name="board"),
    path("boards/<slug:slug>/new/", views.topic_new, name="topic_new"),
    path("boards/<slug:slug>/join/", views.board_join, name="board_join"),
    path("boards/<slug:slug>/leave/", views.board_leave, name="board_leave"),
    path("topics/<int:topic_id>/", views.topic_detail, name="topic"),
    path("topics/<int:topic_id>/reply/", views.topic_reply, name="topic_reply"),
    path("topics/<int:topic_id>/accept/", views.topic_accept, name="topic_accept"),
    path("topics/<int:topic_id>/events/", views.topic_events, name="topic_events"),
    path(
        "topics/<int:topic_id>/events/stream/",
        streams.topic_event_stream,
        name="topic_event_stream",
    ),
    # A readable slug after the id is optional and ignored.
    path("topics/<int:topic_id>/<str:slug>/", views.topic_detail, name="topic_with_slug"),
    path("posts/<int:post_id>/", views.post_redirect, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:post_id>/history/", views.post_history, name="post_history"),
    path("posts/<int:post_id>/helpful/", views.post_helpful, name="post_helpful"),
    path("posts/<int:post_id>/helpful/people/", views.post_helpful_list, name="post_helpful_list"),
]
