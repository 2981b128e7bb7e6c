"""Approve versus edit, concurrently, on PostgreSQL: 50 pairs, each a clerk editing a value of
a submission while an officer submits and approves it. Whichever comes first, no submission ends
"approved but changed": its values after everything are the values it was approved with."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from lianggang.accounts.models import Role
from lianggang.analytics.models import IndicatorValue
from lianggang.analytics.store import analytics_rebuild
from lianggang.collection.errors import CollectionError
from lianggang.collection.models import DataValue, Submission, SubmissionState
from lianggang.collection.services import (
    Entry,
    datavalues_save,
    round_open,
    submission_approve,
    submission_review,
    submission_submit,
    validation_note_save,
)
from tests.factories import member

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PAIRS = 50
AT_ONCE = 10  # pairs started together (20 connections)


def _values(sub: Submission) -> dict[tuple[int, str], float | None]:
    return {
        (v.element_id, v.disaggregation): v.value
        for v in DataValue.objects.filter(
            orgunit_id=sub.orgunit_id, year=sub.round.year, element__in=sub.data_set.elements.all()
        )
    }


def _figures() -> list[tuple[Any, ...]]:
    return sorted(
        (i, o, y, d, None if v is None else round(v, 9))
        for i, o, y, d, v in IndicatorValue.objects.values_list(
            "indicator_id", "orgunit_id", "year", "disaggregation", "value"
        )
    )


def test_fifty_concurrent_approve_versus_edit_pairs(caplog: pytest.LogCaptureFixture) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every write anyway")
    root = get_user_model().objects.create_superuser("opener", "", "x-long-pw-1")
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    clerk = member("clerk", Role.CLERK, "513300")  # every department of the prefecture
    officer = member("officer", Role.COMMITTEE_OFFICER, "513300")
    pairs: list[tuple[Submission, str]] = []
    for sub in Submission.objects.filter(round=rnd).select_related("data_set", "orgunit", "round"):
        element = sub.data_set.elements.order_by("code").first()
        if element is not None:
            pairs.append((sub, element.code))
        if len(pairs) == PAIRS:
            break
    assert len(pairs) == PAIRS
    for sub, code in pairs:
        datavalues_save(actor=clerk, submission_id=sub.pk, entries=[Entry(code, "total", 100)])
        for finding in submission_review(sub).unexplained:
            validation_note_save(
                actor=clerk, submission_id=sub.pk, check_key=finding.key, comment="checked"
            )

    approved_values: dict[int, dict[tuple[int, str], float | None]] = {}
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def approve(sub: Submission, start: threading.Barrier) -> None:
        try:
            start.wait()
            submission_submit(actor=clerk, submission_id=sub.pk)
            submission_approve(actor=officer, submission_id=sub.pk)
            seen = _values(sub)  # what is there once the approval has committed
            with lock:
                approved_values[sub.pk] = seen
                outcomes["approved"] += 1
        except CollectionError as exc:
            with lock:
                outcomes[f"approval refused: {exc.code}"] += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def edit(sub: Submission, element: str, start: threading.Barrier) -> None:
        try:
            start.wait()
            datavalues_save(
                actor=clerk, submission_id=sub.pk, entries=[Entry(element, "total", 200)]
            )
            with lock:
                outcomes["edit saved"] += 1
        except CollectionError as exc:
            with lock:
                outcomes[f"edit refused: {exc.code}"] += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    for first in range(0, PAIRS, AT_ONCE):
        batch = pairs[first : first + AT_ONCE]
        start = threading.Barrier(2 * len(batch))
        threads = [
            t
            for sub, element in batch
            for t in (
                threading.Thread(target=approve, args=(sub, start)),
                threading.Thread(target=edit, args=(sub, element, start)),
            )
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "a pair hung (deadlock?)"
    assert errors == []
    for sub, _element in pairs:
        sub.refresh_from_db()
        if sub.state == SubmissionState.APPROVED:
            assert _values(sub) == approved_values[sub.pk], ("approved but changed", sub.pk)
    print(f"\n{PAIRS} pairs: {dict(outcomes)}")
    assert (
        outcomes["approved"]
        + sum(n for k, n in outcomes.items() if k.startswith("approval refused"))
        == PAIRS
    )
    assert outcomes["approved"] > 0
    # Every approval's refresh of the figures ran (none failed beside another), and the figures
    # are what a full rebuild from the approved values gives.
    failed = [
        (r.getMessage(), r.exc_text or repr(r.exc_info))
        for r in caplog.records
        if "on_commit" in r.getMessage()
    ]
    assert failed == []
    live = _figures()
    analytics_rebuild()
    assert live == _figures()
