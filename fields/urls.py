"""URLs of fields of work, the people search, the department finder and assignments."""

from django.urls import path

from fields import assignment_views, manage_views, record_views, views

app_name = "fields"

urlpatterns = [
    path("fields/", views.field_list, name="field_list"),
    path("fields/people/", views.people, name="people"),
    path("fields/new/", manage_views.field_new, name="field_new"),
    path("fields/names/add/", manage_views.add_department_name, name="add_department_name"),
    path("fields/handover/<int:note_id>/", record_views.handover, name="handover"),
    path("fields/handover/<int:note_id>/edit/", record_views.handover_edit, name="handover_edit"),
    path(
        "fields/handover/<int:note_id>/history/",
        record_views.handover_history,
        name="handover_history",
    ),
    path(
        "fields/handover/<int:note_id>/history/<int:number>/",
        record_views.handover_version,
        name="handover_version",
    ),
    path("fields/<slug:slug>/", views.field_detail, name="field"),
    path("fields/<slug:slug>/join/", views.join_boards, name="join_boards"),
    path("fields/<slug:slug>/guide/", record_views.guide, name="guide"),
    path("fields/<slug:slug>/guide/edit/", record_views.guide_edit, name="guide_edit"),
    path("fields/<slug:slug>/guide/history/", record_views.guide_history, name="guide_history"),
    path(
        "fields/<slug:slug>/guide/history/<int:number>/",
        record_views.guide_revision,
        name="guide_revision",
    ),
    path("fields/<slug:slug>/calendar/", record_views.calendar, name="calendar"),
    path(
        "fields/<slug:slug>/calendar/history/",
        record_views.calendar_history,
        name="calendar_history",
    ),
    path(
        "fields/<slug:slug>/calendar/<int:entry_id>/",
        record_views.calendar_entry_edit,
        name="calendar_entry",
    ),
    path("fields/<slug:slug>/handover/new/", record_views.handover_new, name="handover_new"),
    path("fields/<slug:slug>/manage/", manage_views.field_manage, name="manage"),
    path(
        "fields/<slug:slug>/manage/names/<int:alias_id>/remove/",
        manage_views.remove_department_name,
        name="remove_department_name",
    ),
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
