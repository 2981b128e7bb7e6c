from django.urls import path

from . import (
    collection_views,
    followup_views,
    profile_views,
    query_views,
    report_views,
    views,
)

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator"),
    path("units/<str:code>/", profile_views.unit_profile, name="unit"),
    path("query/", query_views.query, name="query"),
    path("followup/", followup_views.register, name="followup"),
    path("followup/open/", followup_views.item_open, name="followup-open"),
    path("followup/export.xlsx", followup_views.register_export, name="followup-export"),
    path("followup/<int:item_id>/", followup_views.item_detail, name="followup-item"),
    path("departments/<slug:code>/", profile_views.department_page, name="department"),
    path("collection/", collection_views.index, name="collection"),
    path("collection/rounds/open/", collection_views.round_open_view, name="round-open"),
    path("collection/rounds/<int:year>/", collection_views.round_detail, name="round"),
    path(
        "collection/rounds/<int:year>/close/",
        collection_views.round_close_view,
        name="round-close",
    ),
    path(
        "collection/submissions/<int:submission_id>/",
        collection_views.submission_detail,
        name="submission",
    ),
    path(
        "collection/submissions/<int:submission_id>/cell/",
        collection_views.cell_save,
        name="cell-save",
    ),
    path(
        "collection/submissions/<int:submission_id>/history/",
        collection_views.cell_history,
        name="cell-history",
    ),
    path(
        "collection/submissions/<int:submission_id>/note/",
        collection_views.note_save,
        name="note-save",
    ),
    path(
        "collection/submissions/<int:submission_id>/transition/",
        collection_views.transition,
        name="transition",
    ),
    path(
        "collection/submissions/<int:submission_id>/template.xlsx",
        collection_views.submission_template,
        name="submission-template",
    ),
    path(
        "collection/submissions/<int:submission_id>/upload/",
        collection_views.submission_upload,
        name="submission-upload",
    ),
    path(
        "collection/rounds/<int:year>/templates/<slug:data_set>.xlsx",
        collection_views.department_template,
        name="department-template",
    ),
    path(
        "collection/rounds/<int:year>/upload/", collection_views.round_upload, name="round-upload"
    ),
    path(
        "collection/imports/<int:pending_id>/confirm/",
        collection_views.import_confirm,
        name="import-confirm",
    ),
    path("collection/notifications/", collection_views.notifications, name="notifications"),
    path("collection/rounds/<int:year>/audit.csv", collection_views.round_audit, name="audit"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/build/", report_views.report_request_view, name="report-request"),
    path("reports/<int:run_id>/download/", report_views.report_download, name="report-download"),
    path("healthz", views.healthz, name="healthz"),
]
