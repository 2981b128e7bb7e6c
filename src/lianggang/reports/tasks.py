"""Background work of the reports (django-tasks; a worker runs them, see `lianggang worker`)."""

from __future__ import annotations

from django_tasks import task

from .build import report_build


@task()
def build_report(run_id: int, language: str | None = None) -> None:
    report_build(run_id, language)
