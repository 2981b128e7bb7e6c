"""Framework edits rebuild by themselves (issue 19, point 8): saving a target, an override or a
formula queues one background rebuild when the edit commits, however many edits in a row; the
worker runs it and the judgements follow the new target; the pages say "recalculating" with
its progress until it is done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianggang.accounts.models import Role
from lianggang.analytics.models import Assessment, RebuildRequest, RebuildState
from lianggang.analytics.rebuilds import rebuild_in_progress
from lianggang.analytics.store import REBUILD_STEPS, analytics_rebuild
from lianggang.cli import task_worker
from lianggang.framework.models import Indicator, TargetOverride
from lianggang.framework.services import framework_load
from lianggang.orgunits.models import OrgUnit
from tests.factories import member

pytestmark = pytest.mark.django_db

TASK = "lianggang.analytics.tasks.rebuild_figures"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
BANNER = "Recalculating the indicators"


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # A worker closes connections that are not in autocommit mode between tasks (right for a
    # long-running process); a test's connection is inside its transaction on purpose.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture(autouse=True)
def _nothing_pending_before() -> None:
    # The session's set-up loaded the framework, then rebuilt: its request is done.
    assert not RebuildRequest.objects.filter(state__in=["queued", "running"]).exists()
    RebuildRequest.objects.all().delete()
    DBTaskResult.objects.filter(task_path=TASK).delete()


def _queued_tasks() -> int:
    return DBTaskResult.objects.filter(task_path=TASK, status="READY").count()


def _judgement(code: str = "c21-imr", unit: str = "513300") -> Assessment:
    return Assessment.objects.filter(indicator__code=code, orgunit__code=unit).latest("year")


def _admin_form_data(page: Any) -> dict[str, Any]:
    """The admin change form's data as the browser would post it unchanged (the main form and
    its inlines, with their management forms)."""
    data: dict[str, Any] = {}

    def put(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = str(value)

    put(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            put(form)
    return data


def _edit_target_in_admin(client: Client, code: str, target: float) -> None:
    indicator = Indicator.objects.get(code=code)
    url = f"/admin/framework/indicator/{indicator.pk}/change/"
    data = _admin_form_data(client.get(url))
    data["target_value"] = str(target)
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert indicator.target_value == target


def test_an_admin_edit_queues_one_rebuild_that_brings_the_judgement_in_line(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    before = _judgement()
    assert (before.status, before.target_value) == ("ON_TRACK", 5.0)  # 6.1‰ on its way to ≤ 5‰
    with django_capture_on_commit_callbacks(execute=True):
        _edit_target_in_admin(admin_client, "c21-imr", 8.0)
    request = RebuildRequest.objects.get()
    assert (request.state, request.edits) == (RebuildState.QUEUED, 1)
    assert "c21-imr" in request.reason
    assert _queued_tasks() == 1
    assert _judgement().target_value == 5.0  # stale until the rebuild runs

    task_worker("test", batch=True).run()

    request.refresh_from_db()
    assert request.state == RebuildState.DONE
    assert request.started_at is not None
    assert request.finished_at is not None
    after = _judgement()
    assert (after.status, after.target_value) == ("ACHIEVED", 8.0)
    assert _queued_tasks() == 0


def test_edits_in_a_row_queue_one_rebuild(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _edit_target_in_admin(admin_client, "c21-imr", 8.0)
    with django_capture_on_commit_callbacks(execute=True):
        _edit_target_in_admin(admin_client, "c21-imr", 9.0)
    with django_capture_on_commit_callbacks(execute=True):
        TargetOverride.objects.create(
            indicator=Indicator.objects.get(code="c21-imr"),
            orgunit=OrgUnit.objects.get(code="513301"),
            target_value=4.0,
        )
        # A formula edited in the same transaction: still one commit callback.
        Indicator.objects.filter(code="c21-u5mr").get().save()  # unchanged: nothing to do
        imr = Indicator.objects.get(code="c21-imr")
        imr.factor = 1000.0 if imr.factor != 1000.0 else 999.0
        imr.save()
    request = RebuildRequest.objects.get()
    assert (request.state, request.edits) == (RebuildState.QUEUED, 4)
    assert _queued_tasks() == 1


def test_saving_without_a_change_queues_nothing(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    indicator = Indicator.objects.get(code="c21-imr")
    url = f"/admin/framework/indicator/{indicator.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, _admin_form_data(admin_client.get(url))).status_code == 302
        indicator.name_en = "Infant mortality (renamed)"
        indicator.save()  # a name is in no figure
        framework_load()  # the shipped files, unchanged: idempotent
    assert not RebuildRequest.objects.exists()
    assert _queued_tasks() == 0


def test_a_framework_load_that_changes_an_override_queues_a_rebuild(
    django_capture_on_commit_callbacks: Any,
) -> None:
    TargetOverride.objects.filter(indicator__code="c21-preschool").update(target_value=50.0)
    with django_capture_on_commit_callbacks(execute=True):
        report = framework_load()  # puts the shipped 92.5 back
    assert report.updated.get("TargetOverride") == 1
    assert RebuildRequest.objects.get().state == RebuildState.QUEUED
    assert _queued_tasks() == 1


def test_a_deleted_override_queues_a_rebuild(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        TargetOverride.objects.filter(indicator__code="c21-preschool").delete()
    assert RebuildRequest.objects.get().state == RebuildState.QUEUED


def test_changing_an_outline_s_period_queues_a_rebuild(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from lianggang.framework.models import Outline

    outline = Outline.objects.get(code="children-2021")
    with django_capture_on_commit_callbacks(execute=True):
        outline.end_year = 2035  # the years judged change with it
        outline.save()
    assert RebuildRequest.objects.get().state == RebuildState.QUEUED
    assert _queued_tasks() == 1


def test_a_rebuild_whose_worker_stopped_is_claimed_again() -> None:
    from lianggang.analytics.rebuilds import STALE_AFTER, rebuild_claim

    now = timezone.now()
    lost = RebuildRequest.objects.create(
        state=RebuildState.RUNNING,
        reason="lost",
        requested_at=now,
        started_at=now - STALE_AFTER * 2,
    )
    busy = RebuildRequest.objects.create(
        state=RebuildState.RUNNING, reason="busy", requested_at=now, started_at=now
    )
    assert rebuild_claim() == [lost.pk]  # the one running now is left to its worker
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.state == busy.state == RebuildState.RUNNING
    assert lost.started_at is not None
    assert lost.started_at > now - STALE_AFTER


@override_settings(TASKS=IMMEDIATE)
def test_with_an_immediate_backend_the_edit_rebuilds_at_once(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _edit_target_in_admin(admin_client, "c21-imr", 8.0)
    assert RebuildRequest.objects.get().state == RebuildState.DONE
    assert (_judgement().status, _judgement().target_value) == ("ACHIEVED", 8.0)
    assert _judgement("c21-imr", "513301").target_value == 8.0  # the counties inherit it


def test_the_command_lines_rebuild_completes_a_queued_request(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Indicator.objects.filter(code="c21-imr").update()  # (no signal: not an edit)
        imr = Indicator.objects.get(code="c21-imr")
        imr.target_value = 8.0
        imr.save()
    assert RebuildRequest.objects.get().state == RebuildState.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        analytics_rebuild()
    assert RebuildRequest.objects.get().state == RebuildState.DONE
    assert _judgement().target_value == 8.0
    # The worker's task then finds nothing left to do.
    task_worker("test", batch=True).run()
    assert DBTaskResult.objects.get(task_path=TASK).return_value == 0


def test_the_rebuild_tells_its_steps_in_order() -> None:
    told: list[tuple[str, int, int]] = []
    analytics_rebuild(progress=lambda step, done, total: told.append((step, done, total)))
    assert [s for s, _d, _t in dict.fromkeys((s, 0, 0) for s, _d, _t in told)] == list(
        REBUILD_STEPS
    )
    judging = [(d, t) for s, d, t in told if s == "judge"]
    total = Indicator.objects.count()
    assert judging[0] == (0, total)
    assert all(t == total for _d, t in judging)
    assert len(judging) > 2  # it counts the indicators as it goes


def test_the_banner_shows_while_pending_or_running_and_not_after(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    leader = Client()
    leader.force_login(member("leader", Role.VIEWER, "513300"))
    leader.cookies["django_language"] = "en"
    assert BANNER not in leader.get("/?outline=children-2021").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _edit_target_in_admin(admin_client, "c21-imr", 8.0)
    queued = leader.get("/?outline=children-2021").content.decode()
    assert BANNER in queued
    assert "waiting for the background worker since" in queued
    assert BANNER in leader.get("/indicators/c21-imr/").content.decode()  # every page's frame

    # As the worker records it (on PostgreSQL, while the rebuild's transaction is open).
    started = timezone.now() - dt.timedelta(minutes=1)
    RebuildRequest.objects.update(
        state=RebuildState.RUNNING,
        started_at=started,
        step="judge",
        step_number=4,
        steps=4,
        done=120,
        total=464,
    )
    status = rebuild_in_progress()
    assert status is not None
    assert status.running
    running = leader.get("/?outline=children-2021").content.decode()
    assert BANNER in running
    clock = timezone.localtime(started).strftime("%H:%M")
    assert f"step 4 of 4: judging the targets (120/464 indicators), started at {clock}" in running

    RebuildRequest.objects.update(state=RebuildState.QUEUED, step="")
    task_worker("test", batch=True).run()
    assert rebuild_in_progress() is None
    assert BANNER not in leader.get("/?outline=children-2021").content.decode()
    assert _judgement().target_value == 8.0
