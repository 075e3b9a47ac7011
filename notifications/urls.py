"""URLs of notifications, all under /notifications/ (the forums' topics/<id>/<slug>/ would catch
anything added under /topics/)."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("count/", views.notification_count, name="count"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("topics/<int:topic_id>/watch/", views.topic_watch, name="topic_watch"),
    path("boards/<slug:slug>/watch/", views.board_watch, name="board_watch"),
    path("boards/<slug:slug>/mentions/", views.mention_candidates, name="mention_candidates"),
]
