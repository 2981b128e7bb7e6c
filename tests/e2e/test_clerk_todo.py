"""A clerk's day in the browser: logging in lands on what is due (要做的事), the returned
submission first with the officer's reason and the deadline; opening it shows the reason at the
top; once it is fixed and submitted it leaves the list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from lianggang.accounts.models import Role
from lianggang.collection.models import Submission, SubmissionState
from lianggang.collection.services import (
    Entry,
    data_sets_ensure,
    datavalues_save,
    round_open,
    submission_return,
)
from lianggang.framework.services import framework_load
from lianggang.orgunits.services import orgunits_load
from tests.e2e.pages import login
from tests.factories import PASSWORD, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server: Any) -> dict[str, Any]:
    """The 2026 round: of the Kangding clerk's health and education submissions, health was
    submitted and returned by the officer with a reason; education is a draft."""
    orgunits_load()
    framework_load()
    data_sets_ensure()
    root = get_user_model().objects.create_superuser("root", "", PASSWORD)
    officer = member("officer", Role.COMMITTEE_OFFICER, "513300")
    clerk = member("clerk", Role.CLERK, "513301", ["health", "education"])
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    health = Submission.objects.get(
        round=rnd, data_set__code="annual-health", orgunit__code="513301"
    )
    datavalues_save(
        actor=clerk,
        submission_id=health.pk,
        entries=[Entry("live_births", "total", 1480), Entry("infant_deaths", "total", 9)],
    )
    # Sent for review (its checks' warnings aside: the officer returns it anyway).
    Submission.objects.filter(pk=health.pk).update(state=SubmissionState.SUBMITTED)
    submission_return(actor=officer, submission_id=health.pk, reason="活产数与出生登记不符，请核实")
    return {"base": live_server.url, "health": health, "round": rnd}


def test_the_clerk_lands_on_what_is_due_returned_first(browser: Any, world: dict[str, Any]) -> None:
    base, health = world["base"], world["health"]
    drafts = Submission.objects.filter(
        round=world["round"],
        orgunit__code="513301",
        state=SubmissionState.DRAFT,
        data_set__department__code__in=["health", "education"],
    ).count()
    # A clerk's home is the to-do, not the overview.
    page = login(browser, base, "clerk", "/collection/", width=390)

    due = page.locator("section[aria-labelledby=h-due] tbody tr")
    expect(due).to_have_count(1 + drafts)
    first = due.first
    expect(first).to_contain_text("已退回")
    expect(first).to_contain_text("活产数与出生登记不符，请核实")
    expect(first).to_contain_text("2027-04-30")
    expect(due.nth(1)).to_contain_text("草稿")

    first.locator("a").click()
    page.wait_for_url(f"{base}/collection/submissions/{health.pk}/")
    expect(page.locator(".return-reason")).to_contain_text("活产数与出生登记不符，请核实")

    # On the phone the grid is a column of cards: nothing scrolls sideways, the value field
    # takes the width of the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    field = page.locator("#v-live_births-total")
    box = field.bounding_box()
    assert box is not None
    assert box["width"] >= 300
    assert box["height"] >= 40
    field.fill("1475")
    with page.expect_response(lambda r: "/cell/" in r.url):
        field.press("Enter")
    expect(page.locator("#row-live_births-total input[name=version]")).to_have_value("2")
    page.click("text=提交审核")
    page.wait_for_load_state()
    health.refresh_from_db()
    assert health.state == SubmissionState.SUBMITTED
    page.goto(f"{base}/collection/")
    expect(due).to_have_count(drafts)
    expect(page.locator("section[aria-labelledby=h-due]")).not_to_contain_text(
        "活产数与出生登记不符"
    )
