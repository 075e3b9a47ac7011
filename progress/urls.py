"""URLs of progress tables and quick polls."""

from django.urls import path

from progress import streams, views

app_name = "progress"

urlpatterns = [
    path("boards/<slug:slug>/progress/", views.board_tables, name="board"),
    path("boards/<slug:slug>/progress/new/", views.table_new, name="new"),
    path("boards/<slug:slug>/progress/poll/", views.poll_new, name="poll_new"),
    path("progress/<int:table_id>/", views.table_detail, name="table"),
    path("progress/<int:table_id>/row/", views.row_save, name="row_save"),
    path(
        "progress/<int:table_id>/rows/<int:row_id>/history/",
        views.row_history,
        name="row_history",
    ),
    path("progress/<int:table_id>/export.csv", views.export_csv, name="export_csv"),
    path("progress/<int:table_id>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("progress/<int:table_id>/events/", views.table_events, name="events"),
    path(
        "progress/<int:table_id>/events/stream/",
        streams.table_event_stream,
        name="event_stream",
    ),
    path("progress/<int:table_id>/close/", views.table_close, name="close"),
]
