"""The review queue in the browser: the officer filters the round's list, selects every
submission awaiting review, approves them in one go, reads which were refused and why, returns
the refused one with a reason, and the clerk reads that reason at the top of the submission."""

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
    validation_rules_load,
)
from lianggang.framework.services import framework_load
from lianggang.orgunits.services import orgunits_load
from tests.e2e.pages import login
from tests.factories import PASSWORD, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server: Any) -> dict[str, Any]:
    """The 2026 round with three health submissions sent for review; Danba's holds more
    neonatal than infant deaths (an error its checks find)."""
    orgunits_load()
    framework_load()
    data_sets_ensure()
    validation_rules_load()
    root = get_user_model().objects.create_superuser("root", "", PASSWORD)
    member("officer", Role.COMMITTEE_OFFICER, "513300")
    member("clerk", Role.CLERK, "513323", ["health"])
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    subs = [
        Submission.objects.get(round=rnd, data_set__code="annual-health", orgunit__code=code)
        for code in ("513301", "513322", "513323")
    ]
    datavalues_save(
        actor=root,
        submission_id=subs[2].pk,
        entries=[Entry("neonatal_deaths", "total", 10), Entry("infant_deaths", "total", 5)],
    )
    Submission.objects.filter(pk__in=[s.pk for s in subs]).update(state=SubmissionState.SUBMITTED)
    return {"base": live_server.url, "subs": subs}


def test_batch_approval_lists_what_was_approved_and_what_was_refused(
    browser: Any, world: dict[str, Any]
) -> None:
    base, (kangding, luding, danba) = world["base"], world["subs"]
    officer = login(browser, base, "officer", "/")
    officer.goto(f"{base}/collection/rounds/2026/")
    # Only the submissions awaiting review, through the filter form (no script needed).
    officer.select_option("select[name=state]", "submitted")
    officer.click("form.filters button[type=submit]")
    officer.wait_for_url("**state=submitted**")
    boxes = officer.locator("input[name=submission]")
    expect(boxes).to_have_count(3)
    # The prefecture's order: Kangding (513301) before Luding and Danba.
    assert [b.get_attribute("value") for b in boxes.all()] == [
        str(s.pk) for s in (kangding, luding, danba)
    ]
    officer.click("a[href*='select=submitted']")
    for box in officer.locator("input[name=submission]").all():
        expect(box).to_be_checked()
    officer.click("button[name=action][value=approve]")

    officer.wait_for_selector("#h-batch")
    assert "state=submitted" in officer.url  # the filter is kept
    expect(officer.locator(".batch-done li")).to_have_count(2)
    expect(officer.locator(".batch-done")).to_contain_text("康定市")
    expect(officer.locator(".batch-done")).to_contain_text("泸定县")
    refused = officer.locator(".batch-refused li")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("丹巴县")
    expect(refused).to_contain_text("新生儿死亡数不能大于婴儿死亡数")
    states = dict(
        Submission.objects.filter(pk__in=[kangding.pk, luding.pk, danba.pk]).values_list(
            "pk", "state"
        )
    )
    assert states == {kangding.pk: "approved", luding.pk: "approved", danba.pk: "submitted"}

    # The refused one stays listed; it is returned with a reason.
    expect(officer.locator("input[name=submission]")).to_have_count(1)
    officer.check(f"#pick-{danba.pk}")
    officer.fill("input[name=reason]", "新生儿死亡数大于婴儿死亡数，请核实")
    officer.click("button[name=action][value=return]")
    officer.wait_for_selector("#h-batch")
    expect(officer.locator(".batch-done li")).to_have_count(1)
    assert Submission.objects.get(pk=danba.pk).state == "returned"

    # Danba's clerk reads who returned it and why at the top of the submission.
    clerk = login(browser, base, "clerk", "/collection/")
    clerk.goto(f"{base}/collection/submissions/{danba.pk}/")
    reason = clerk.locator(".return-reason")
    expect(reason).to_contain_text("新生儿死亡数大于婴儿死亡数，请核实")
    expect(reason).to_contain_text("officer")
