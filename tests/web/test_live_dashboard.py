"""In the demo, an approval is on the dashboard at the very next request (no batch, no wait)."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import Client

from lianggang.accounts.models import Role
from lianggang.analytics.models import IndicatorValue
from lianggang.collection.errors import CollectionError
from lianggang.collection.models import DataValue, Round, RoundState, Submission
from lianggang.collection.services import (
    Entry,
    SubmissionBlocked,
    datavalues_save,
    submission_submit,
    validation_note_save,
)
from tests.factories import member

pytestmark = pytest.mark.django_db

DASHBOARD = "/?outline=children-2021&orgunit=513300&year=2025"


def _shown(client: Client, code: str) -> tuple[float, str]:
    """The latest value the dashboard shows for an indicator, and the page."""
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    row = next(r for r in response.context["data"].rows if r.indicator.code == code)
    assert row.assessment is not None
    return row.assessment.latest_value, response.content.decode()


def test_an_approval_changes_the_dashboard_on_the_next_request(
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer = member("officer", Role.COMMITTEE_OFFICER, "513300")
    clerk = member("kd_education", Role.CLERK, "513301", ["education"])
    sub = Submission.objects.get(
        round__year=2025, orgunit__code="513301", data_set__elements__code="preschool_enrolled"
    )
    assert sub.state == "approved"
    # As in spring 2026: the 2025 round is still open while its returns are reviewed.
    Round.objects.filter(year=2025).update(state=RoundState.OPEN)
    web = Client()
    web.force_login(officer)
    before, _ = _shown(web, "c21-preschool")
    pref = IndicatorValue.objects.get(
        indicator__code="c21-preschool", orgunit__code="513300", year=2025
    )
    assert before == pytest.approx(pref.value)

    # The officer reopens Kangding's 2025 education return; the clerk adds 300 children.
    url = f"/collection/submissions/{sub.pk}/transition/"
    with django_capture_on_commit_callbacks(execute=True):
        web.post(url, {"action": "reopen", "reason": "漏报一所民办幼儿园"})
    cell = DataValue.objects.get(
        submission=sub, element__code="preschool_enrolled", disaggregation="total"
    )
    datavalues_save(
        actor=clerk,
        submission_id=sub.pk,
        entries=[Entry("preschool_enrolled", "total", str(int(cell.value) + 300))],
    )
    try:
        submission_submit(actor=clerk, submission_id=sub.pk)
    except CollectionError as exc:  # a change this size may ask for an explanation first
        for finding in cast(SubmissionBlocked, exc).warnings:
            validation_note_save(
                actor=clerk, submission_id=sub.pk, check_key=finding.key, comment="补报民办园"
            )
        submission_submit(actor=clerk, submission_id=sub.pk)

    # Approved in the page; the next request shows the new prefecture figure.
    with django_capture_on_commit_callbacks(execute=True):
        web.post(url, {"action": "approve"})
    sub.refresh_from_db()
    assert sub.state == "approved"
    after, page = _shown(web, "c21-preschool")
    assert pref.numerator is not None
    assert pref.denominator is not None
    expected = (pref.numerator + 300) / pref.denominator * 100
    assert after == pytest.approx(expected)
    assert after > before
    assert f"{expected:,.1f}" in page
