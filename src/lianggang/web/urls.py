from django.urls import path

from . import (
    account_views,
    collection_views,
    followup_views,
    ledger_views,
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
    path("ledger/", ledger_views.index, name="ledger"),
    path("ledger/template.xlsx", ledger_views.template, name="ledger-template"),
    path("ledger/import/", ledger_views.upload, name="ledger-upload"),
    path(
        "ledger/import/<int:pending_id>/confirm/",
        ledger_views.upload_confirm,
        name="ledger-confirm",
    ),
    path("ledger/summary/", ledger_views.summary, name="ledger-summary"),
    path("ledger/cases/<int:case_id>/", ledger_views.case_detail, name="ledger-case"),
    path("ledger/aid/<int:aid_id>/", ledger_views.aid_detail, name="ledger-aid"),
    path("ledger/families/<int:family_id>/", ledger_views.family_detail, name="ledger-family"),
    path("ledger/<slug:kind>/", ledger_views.record_list, name="ledger-list"),
    path("ledger/<slug:kind>/new/", ledger_views.record_new, name="ledger-new"),
    path("account/tokens/", account_views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token-revoke"),
    path("account/2fa/", account_views.second_factor, name="second-factor"),
    path("account/2fa/verify/", account_views.second_factor_verify, name="second-factor-verify"),
    path("healthz", views.healthz, name="healthz"),
]
