from django.urls import path

from .views import (
    accounts,
    collection,
    collection_imports,
    figures,
    followup,
    health,
    ledger,
    ledger_records,
    profiles,
    query,
    reports,
)

app_name = "web"
urlpatterns = [
    path("", figures.dashboard, name="dashboard"),
    path("indicators/<slug:code>/", figures.indicator_detail, name="indicator"),
    path("units/<str:code>/", profiles.unit_profile, name="unit"),
    path("query/", query.query, name="query"),
    path("followup/", followup.register, name="followup"),
    path("followup/open/", followup.item_open, name="followup-open"),
    path("followup/export.xlsx", followup.register_export, name="followup-export"),
    path("followup/<int:item_id>/", followup.item_detail, name="followup-item"),
    path("departments/<slug:code>/", profiles.department_page, name="department"),
    path("collection/", collection.index, name="collection"),
    path("collection/rounds/open/", collection.round_open_view, name="round-open"),
    path("collection/rounds/<int:year>/", collection.round_detail, name="round"),
    path(
        "collection/rounds/<int:year>/close/",
        collection.round_close_view,
        name="round-close",
    ),
    path(
        "collection/rounds/<int:year>/review/",
        collection.round_review,
        name="round-review",
    ),
    path(
        "collection/rounds/<int:year>/remind/",
        collection.round_remind,
        name="round-remind",
    ),
    path(
        "collection/submissions/<int:submission_id>/",
        collection.submission_detail,
        name="submission",
    ),
    path(
        "collection/submissions/<int:submission_id>/cell/",
        collection.cell_save,
        name="cell-save",
    ),
    path(
        "collection/submissions/<int:submission_id>/history/",
        collection.cell_history,
        name="cell-history",
    ),
    path(
        "collection/submissions/<int:submission_id>/note/",
        collection.note_save,
        name="note-save",
    ),
    path(
        "collection/submissions/<int:submission_id>/transition/",
        collection.transition,
        name="transition",
    ),
    path(
        "collection/submissions/<int:submission_id>/template.xlsx",
        collection_imports.submission_template,
        name="submission-template",
    ),
    path(
        "collection/submissions/<int:submission_id>/upload/",
        collection_imports.submission_upload,
        name="submission-upload",
    ),
    path(
        "collection/rounds/<int:year>/templates/<slug:data_set>.xlsx",
        collection_imports.department_template,
        name="department-template",
    ),
    path(
        "collection/rounds/<int:year>/upload/", collection_imports.round_upload, name="round-upload"
    ),
    path(
        "collection/imports/<int:pending_id>/confirm/",
        collection_imports.import_confirm,
        name="import-confirm",
    ),
    path("collection/notifications/", collection.notifications, name="notifications"),
    path("collection/rounds/<int:year>/audit.csv", collection.round_audit, name="audit"),
    path("reports/", reports.reports, name="reports"),
    path("reports/build/", reports.report_request_view, name="report-request"),
    path("reports/<int:run_id>/download/", reports.report_download, name="report-download"),
    path("ledger/", ledger.index, name="ledger"),
    path("ledger/template.xlsx", ledger.template, name="ledger-template"),
    path("ledger/import/", ledger.upload, name="ledger-upload"),
    path(
        "ledger/import/<int:pending_id>/confirm/",
        ledger.upload_confirm,
        name="ledger-confirm",
    ),
    path("ledger/summary/", ledger.summary, name="ledger-summary"),
    path("ledger/cases/<int:case_id>/", ledger_records.case_detail, name="ledger-case"),
    path("ledger/aid/<int:aid_id>/", ledger_records.aid_detail, name="ledger-aid"),
    path("ledger/families/<int:family_id>/", ledger_records.family_detail, name="ledger-family"),
    path("ledger/<slug:kind>/", ledger.record_list, name="ledger-list"),
    path("ledger/<slug:kind>/new/", ledger.record_new, name="ledger-new"),
    path("account/password/", accounts.password_change, name="password-change"),
    path("account/tokens/", accounts.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", accounts.token_revoke, name="token-revoke"),
    path("account/2fa/", accounts.second_factor, name="second-factor"),
    path("account/2fa/verify/", accounts.second_factor_verify, name="second-factor-verify"),
    path("healthz", health.healthz, name="healthz"),
]
