"""The audit is complete and cannot be forged.

Every way a value is written — the grid, an Excel upload, the API (its own shape and DHIS2's),
the command line — leaves exactly one audit row per changed value, with the real actor, the
server's time and the old and new value; who and when a client claims are ignored. The admin
site cannot write values or audit rows at all. The database refuses to change or remove audit
rows (``lianggang.dbguard``) except inside ``maintenance()``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lianggang.accounts.models import Role
from lianggang.accounts.services import api_token_create
from lianggang.cli import run
from lianggang.collection.models import DataValue, DataValueAudit, Submission, SubmissionEvent
from lianggang.collection.services import round_open
from lianggang.dbguard import maintenance
from lianggang.ledger.models import PersonalDataRead
from tests.factories import member

pytestmark = pytest.mark.django_db

YEAR = 2026
FORGED_AT = "2001-01-01T00:00:00Z"


@pytest.fixture
def ctx() -> dict[str, Any]:
    root = get_user_model().objects.create_superuser("opener", "", "x-long-pw-1")
    rnd = round_open(actor=root, year=YEAR, closes_on=dt.date(YEAR + 1, 4, 30))
    clerk = member("clerk", Role.CLERK, "513301", ["health"])
    member("impostor", Role.CLERK, "513301", ["health"])
    sub = Submission.objects.get(round=rnd, data_set__code="annual-health", orgunit__code="513301")
    return {"root": root, "clerk": clerk, "submission": sub}


def _version() -> int:
    stored = DataValue.objects.filter(
        element__code="live_births", year=YEAR, orgunit__code="513301", disaggregation="total"
    ).first()
    return stored.version if stored else 0


def _grid(ctx: dict[str, Any], value: int) -> None:
    client = Client()
    client.force_login(ctx["clerk"])
    response = client.post(
        f"/collection/submissions/{ctx['submission'].pk}/cell/",
        {
            "element": "live_births",
            "disaggregation": "total",
            "value": str(value),
            "version": _version(),
            # What a forged form might add: none of it is read.
            "actor": "impostor",
            "updated_by": "impostor",
            "at": FORGED_AT,
            "channel": "admin",
        },
    )
    assert response.status_code == 200, response.content


def _excel(ctx: dict[str, Any], value: int) -> None:
    client = Client()
    client.force_login(ctx["clerk"])
    sub = ctx["submission"]
    wb = load_workbook(
        io.BytesIO(client.get(f"/collection/submissions/{sub.pk}/template.xlsx").content)
    )
    ws = wb.worksheets[1]
    for r in range(4, ws.max_row + 1):
        if (ws.cell(r, 1).value, ws.cell(r, 2).value) == ("live_births", "total"):
            ws.cell(r, 8).value = value
    buf = io.BytesIO()
    wb.save(buf)
    html = client.post(
        f"/collection/submissions/{sub.pk}/upload/",
        {"file": SimpleUploadedFile("填报.xlsx", buf.getvalue())},
    ).content.decode()
    if "/collection/imports/" not in html:
        assert "该文件没有带来任何修改" in html  # the same value again: nothing to confirm
        return
    pending = html.split("/collection/imports/")[1].split("/")[0]
    assert client.post(f"/collection/imports/{pending}/confirm/").status_code == 302


def _api(ctx: dict[str, Any], value: int) -> None:
    _t, raw = api_token_create(user=ctx["clerk"], name="t")
    body = {
        "values": [
            {
                "element": "live_births",
                "orgunit": "513301",
                "year": YEAR,
                "value": value,
                "actor": "impostor",
                "updated_at": FORGED_AT,
            }
        ],
        "actor": "impostor",
        "at": FORGED_AT,
    }
    response = Client().post(
        "/api/v1/data-values",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content


def _dhis2(ctx: dict[str, Any], value: int) -> None:
    _t, raw = api_token_create(user=ctx["clerk"], name="t")
    body = {
        "dataValues": [
            {
                "dataElement": "live_births",
                "period": str(YEAR),
                "orgUnit": "513301",
                "value": str(value),
                "storedBy": "impostor",
                "created": FORGED_AT,
                "lastUpdated": FORGED_AT,
            }
        ]
    }
    response = Client().post(
        "/api/v1/imports/values?format=dhis2-json",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content


def _cli(ctx: dict[str, Any], value: int, tmp_path: Path) -> None:
    path = tmp_path / f"values-{value}.csv"
    path.write_text(
        "data_element,orgunit,year,disaggregation,value,updated_by,updated_at\n"
        f"live_births,513301,{YEAR},total,{value},impostor,{FORGED_AT}\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert run(["import", "values", str(path), "--user", "clerk"], out, err) == 0, err.getvalue()


WAYS: dict[str, tuple[Callable[..., None], str]] = {
    "grid": (_grid, "grid"),
    "excel": (_excel, "excel"),
    "api": (_api, "api"),
    "dhis2": (_dhis2, "api"),
    "cli": (_cli, "cli"),
}


@pytest.mark.parametrize("way", WAYS)
def test_each_write_path_leaves_one_true_audit_row_per_change(
    way: str, ctx: dict[str, Any], tmp_path: Path
) -> None:
    write, channel = WAYS[way]
    args = (tmp_path,) if way == "cli" else ()
    rows = DataValueAudit.objects.filter(element__code="live_births", year=YEAR)
    for n, (old, new) in enumerate(((None, 1480), (1480, 1502)), start=1):
        started = timezone.now()
        write(ctx, new, *args)
        assert rows.count() == n, way
        audit = rows.order_by("-id").first()
        assert audit is not None
        assert (audit.old_value, audit.new_value) == (old, new)
        assert audit.actor == ctx["clerk"]  # not the impostor the request named
        assert audit.channel == channel
        assert started - dt.timedelta(seconds=1) <= audit.at <= timezone.now()
    value = DataValue.objects.get(element__code="live_births", year=YEAR, disaggregation="total")
    assert value.value == 1502
    assert value.updated_by == ctx["clerk"]
    # Writing the same value again changes nothing and audits nothing.
    write(ctx, 1502, *args)
    assert rows.count() == 2


def test_the_admin_site_writes_no_value_and_no_audit_row(ctx: dict[str, Any]) -> None:
    _grid(ctx, 1480)
    value = DataValue.objects.get(element__code="live_births", year=YEAR, disaggregation="total")
    audit = DataValueAudit.objects.get(element__code="live_births", year=YEAR)
    client = Client()
    client.force_login(ctx["root"])  # a superuser, even
    for url in (
        f"/admin/collection/datavalue/{value.pk}/change/",
        f"/admin/collection/datavalue/{value.pk}/delete/",
        f"/admin/collection/datavalueaudit/{audit.pk}/change/",
        f"/admin/collection/datavalueaudit/{audit.pk}/delete/",
        "/admin/collection/datavalue/add/",
    ):
        client.post(url, {"value": "1", "new_value": "1", "post": "yes"})
    value.refresh_from_db()
    audit.refresh_from_db()
    assert (value.value, audit.new_value) == (1480, 1480)
    assert DataValueAudit.objects.filter(year=YEAR).count() == 1
    assert DataValue.objects.filter(year=YEAR).count() == 1


def _refused(action: Callable[[], Any]) -> None:
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        action()


def test_the_database_refuses_to_change_or_remove_audit_rows(ctx: dict[str, Any]) -> None:
    _grid(ctx, 1480)
    SubmissionEvent.objects.create(
        submission=ctx["submission"], from_state="draft", to_state="submitted", actor=ctx["clerk"]
    )
    audit = DataValueAudit.objects.filter(year=YEAR)
    events = SubmissionEvent.objects.filter(submission=ctx["submission"])
    assert audit.count() == 1
    assert events.count() == 1
    for rows in (audit, events):
        _refused(partial(rows.update, reason="rewritten"))
        _refused(rows.delete)
    with connection.cursor() as cursor:
        for table in ("collection_datavalueaudit", "collection_submissionevent"):
            _refused(partial(cursor.execute, f"DELETE FROM {table}"))
            _refused(partial(cursor.execute, f"UPDATE {table} SET id = id"))
            if connection.vendor == "postgresql":
                _refused(partial(cursor.execute, f"TRUNCATE {table} CASCADE"))
    assert audit.get().new_value == 1480
    assert events.count() == 1


def test_maintenance_lifts_the_refusal_for_its_block_only(ctx: dict[str, Any]) -> None:
    _grid(ctx, 1480)
    audit = DataValueAudit.objects.filter(year=YEAR)
    with maintenance(), maintenance():
        pass  # nested blocks restore what was before them
    _refused(lambda: audit.delete())
    with maintenance(), transaction.atomic():
        audit.delete()
    assert not audit.exists()
    _grid(ctx, 1490)
    _refused(lambda: audit.delete())
    assert audit.count() == 1


def test_the_read_log_of_personal_data_is_append_only(ctx: dict[str, Any]) -> None:
    from lianggang.ledger.services import rights_case_reveal
    from tests.factories import kangding_case, ledger_people

    people = ledger_people()
    case = kangding_case(
        worker=people["worker"], supervisor=people["supervisor"], name="卓玛", phone="1"
    )
    rights_case_reveal(actor=people["worker"], case_id=case.pk, purpose="跟进")
    reads = PersonalDataRead.objects.filter(case=case)
    assert reads.count() == 1
    _refused(lambda: reads.update(purpose="nothing to see"))
    _refused(lambda: reads.delete())
    assert reads.get().purpose == "跟进"
