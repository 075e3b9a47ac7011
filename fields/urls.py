"""URLs of fields of work, the people search, the department finder and assignments."""

from django.urls import path

from fields import assignment_views, views

app_name = "fields"

urlpatterns = [
    path("fields/", views.field_list, name="field_list"),
    path("fields/people/", views.people, name="people"),
    path("fields/names/add/", views.add_department_name, name="add_department_name"),
    path("fields/handover/<int:note_id>/", views.handover, name="handover"),
    path("fields/handover/<int:note_id>/edit/", views.handover_edit, name="handover_edit"),
    path("fields/<slug:slug>/", views.field_detail, name="field"),
    path("fields/<slug:slug>/join/", views.join_boards, name="join_boards"),
    path("fields/<slug:slug>/guide/", views.guide, name="guide"),
    path("fields/<slug:slug>/guide/edit/", views.guide_edit, name="guide_edit"),
    path("fields/<slug:slug>/guide/history/", views.guide_history, name="guide_history"),
    path(
        "fields/<slug:slug>/guide/history/<int:number>/",
        views.guide_revision,
        name="guide_revision",
    ),
    path("fields/<slug:slug>/calendar/", views.calendar, name="calendar"),
    path(
        "fields/<slug:slug>/calendar/<int:entry_id>/",
        views.calendar_entry_edit,
        name="calendar_entry",
    ),
    path("fields/<slug:slug>/handover/new/", views.handover_new, name="handover_new"),
    path("fields/<slug:slug>/manage/", views.field_manage, name="manage"),
    path("for-your-department/", views.for_department, name="for_department"),
    path("account/assignments/", assignment_views.assignments, name="assignments"),
    path(
        "account/assignments/<int:assignment_id>/delete/",
        assignment_views.assignment_delete,
        name="assignment_delete",
    ),
    path(
        "account/assignments/<int:assignment_id>/field/",
        assignment_views.assignment_field,
        name="assignment_field",
    ),
]
