"""Report builds: requested within one's scope, built in the background, listed and downloaded."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lianggang.accounts.models import Role
from lianggang.cli import task_worker
from lianggang.framework.models import Outline
from lianggang.orgunits.models import OrgUnit
from lianggang.reports import build
from lianggang.reports.models import ReportRun, RunState
from lianggang.reports.services import ReportRequestError, report_request
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> Any:
    return member("officer", Role.COMMITTEE_OFFICER, "513300")


def _request(actor: Any, unit: str = "513300", **kw: Any) -> ReportRun:
    params: dict[str, Any] = {
        "kind": "annual",
        "outline": Outline.objects.get(code="women-2021"),
        "orgunit": OrgUnit.objects.get(code=unit),
        "year": 2024,
        "fmt": "xlsx",
        "demo_note": "演示数据，非官方统计",
    }
    params.update(kw)
    return report_request(actor=actor, **params)


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # A worker closes connections that are not in autocommit mode between tasks (right for a
    # long-running process); a test's connection is inside its transaction on purpose.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _worker() -> Any:
    return task_worker("test", batch=True)


def test_a_request_is_queued_then_built_by_the_worker(
    officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = _request(officer)
    run.refresh_from_db()
    assert (run.state, run.progress) == (RunState.QUEUED, 0)
    _worker().run()
    run.refresh_from_db()
    assert run.state == RunState.DONE, run.error
    assert run.progress == 100
    assert run.content is not None
    assert bytes(run.content)[:2] == b"PK"
    assert run.size == len(bytes(run.content))
    assert run.filename.endswith("统计监测报告.xlsx")
    assert run.title.startswith("2024年甘孜藏族自治州")
    assert run.seconds is not None


def test_requests_outside_the_scope_or_the_period_are_refused(officer: Any) -> None:
    county = member("kd_officer", Role.COUNTY_OFFICER, "513301")
    with pytest.raises(ReportRequestError, match="范围"):
        _request(county, "513300")
    _request(county, "513301")  # its own county is fine
    with pytest.raises(ReportRequestError, match="2021–2030"):
        _request(officer, year=2019)
    with pytest.raises(ReportRequestError):
        _request(officer, fmt="odt")
    nobody = member("nobody", None, None)
    with pytest.raises(ReportRequestError):
        _request(nobody)


def test_a_failed_build_is_recorded(officer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    run = _request(officer)

    def broken(run: ReportRun) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(build, "build_document", broken)
    run = build.report_build(run.pk)
    assert (run.state, run.error) == (RunState.FAILED, "disk full")
    assert run.content is None


def test_the_page_builds_lists_and_serves_reports(
    officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    web = Client()
    web.force_login(officer)
    page = web.get("/reports/")
    assert page.status_code == 200
    assert "尚未生成任何报告" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            "/reports/build/",
            {
                "kind": "annual",
                "outline": "children-2021",
                "orgunit": "513300",
                "year": "2024",
                "format": "pdf",
            },
        )
    assert response.status_code == 302
    run = ReportRun.objects.get()
    # While it is queued the list shows its progress and polls for the next.
    listing = web.get("/reports/").content.decode()
    assert '<progress max="100" value="0"' in listing
    assert 'hx-trigger="every 2s"' in listing
    _worker().run()
    with CaptureQueriesContext(connection) as queries:
        listing = web.get("/reports/", HTTP_HX_REQUEST="true").content.decode()
    # A listing never loads the files themselves.
    run_queries = [q["sql"] for q in queries.captured_queries if "reports_reportrun" in q["sql"]]
    assert run_queries
    assert not any('"content"' in sql for sql in run_queries)
    assert "hx-trigger" not in listing
    assert f"/reports/{run.pk}/download/" in listing
    download = web.get(f"/reports/{run.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content[:5] == b"%PDF-"
    assert "filename*=UTF-8''" in download["Content-Disposition"]


def test_another_units_report_answers_like_one_that_does_not_exist(officer: Any) -> None:
    run = _request(officer)
    build.report_build(run.pk)
    county = member("kd_officer", Role.COUNTY_OFFICER, "513301")
    web = Client()
    web.force_login(county)
    assert web.get(f"/reports/{run.pk}/download/").status_code == 404
    assert web.get("/reports/999999/download/").status_code == 404
    assert f"/reports/{run.pk}/download/" not in web.get("/reports/").content.decode()


def test_the_page_needs_a_login() -> None:
    response = Client().get("/reports/")
    assert response.status_code == 302
