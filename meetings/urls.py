"""URLs of exchange meetings."""

from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("boards/<slug:slug>/meetings/", views.board_meetings, name="board"),
    path("boards/<slug:slug>/meetings/new/", views.meeting_new, name="new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("meetings/<int:meeting_id>/rsvp/", views.meeting_rsvp, name="rsvp"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="cancel"),
    path("meetings/<int:meeting_id>/calendar.ics", views.meeting_ics, name="ics"),
    path("meetings/calendar/", views.calendar_settings, name="calendar"),
    path("meetings/calendar/renew/", views.calendar_renew, name="calendar_renew"),
    path("meetings/calendar/<int:user_id>/<str:token>.ics", views.calendar_feed, name="feed"),
]
