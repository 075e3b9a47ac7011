"""URLs of private conversations."""

from django.urls import path

from conversations import streams, views

app_name = "conversations"

one = "<int:conversation_id>/"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("rows/", views.conversation_rows, name="rows"),
    path("unread/", views.unread_count, name="unread_count"),
    path("new/", views.conversation_new, name="new"),
    path("new/to/<int:user_id>/", views.conversation_new_to, name="new_to"),
    path("settings/", views.contact_settings, name="settings"),
    path("members/<int:user_id>/block/", views.member_block, name="block"),
    path("members/<int:user_id>/unblock/", views.member_unblock, name="unblock"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/resolve/", views.report_resolve, name="report_resolve"),
    path(one, views.conversation_detail, name="detail"),
    path(one + "messages/", views.message_send, name="send"),
    path(one + "events/", views.conversation_events, name="events"),
    path(one + "events/stream/", streams.conversation_event_stream, name="event_stream"),
    path(one + "read/", views.conversation_read, name="read"),
    path(one + "export/", views.conversation_export, name="export"),
    path(one + "participants/", views.participants, name="participants"),
    path(one + "participants/add/", views.participants_add, name="participants_add"),
    path(
        one + "participants/<int:user_id>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path(one + "leave/", views.conversation_leave, name="leave"),
    path("messages/<int:message_id>/edit/", views.message_edit, name="message_edit"),
    path("messages/<int:message_id>/delete/", views.message_delete, name="message_delete"),
    path("messages/<int:message_id>/history/", views.message_history, name="message_history"),
    path("messages/<int:message_id>/report/", views.message_report, name="message_report"),
]
