"""A prefecture's history in one go: `lianggang import values FILE --history` stores past years'
values as approved into closed rounds, in one transaction, audited with the channel history;
only administrators; never into an open round, never over a stored value."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from lianggang.accounts.models import Role
from lianggang.cli import run
from lianggang.collection.errors import ErrorCode, Forbidden
from lianggang.collection.history import history_apply, history_plan
from lianggang.collection.models import (
    Channel,
    DataValue,
    DataValueAudit,
    Round,
    RoundState,
    Submission,
    SubmissionState,
)
from lianggang.collection.selectors import datavalues_approved
from lianggang.collection.services import round_open
from lianggang.collection.workbook import read_csv
from tests.factories import member

pytestmark = pytest.mark.django_db

HEADER = "data_element,orgunit,year,disaggregation,value\n"
TEN_YEARS = HEADER + "".join(
    f"live_births,{unit},{year},total,{1000 + 10 * (year - 2000) + i}\n"
    f"infant_deaths,{unit},{year},total,{9 - (year - 2000) // 3}\n"
    for year in range(2000, 2010)  # the demo holds 2010–2025
    for i, unit in enumerate(("513301", "513322"))
)


@pytest.fixture
def admin() -> Any:
    return get_user_model().objects.create_superuser("admin", "", "a-long-test-password")


def test_ten_years_are_stored_as_approved_into_closed_rounds(admin: Any) -> None:
    plan = history_plan(actor=admin, values=read_csv(TEN_YEARS.encode()).values)
    assert plan.ok, plan.problems
    assert plan.years == list(range(2000, 2010))
    assert len(plan.values) == 40
    result = history_apply(actor=admin, plan=plan)
    assert result.rounds_created == list(range(2000, 2010))
    assert result.values_created == 40
    assert result.submissions_created == 20
    past = {"round__year__lt": 2010}
    assert set(Round.objects.filter(year__lt=2010).values_list("state", flat=True)) == {
        RoundState.CLOSED
    }
    assert set(Submission.objects.filter(**past).values_list("state", flat=True)) == {
        SubmissionState.APPROVED
    }
    assert datavalues_approved().filter(year__lt=2010).count() == 40
    audits = DataValueAudit.objects.filter(year__lt=2010)
    assert audits.count() == 40
    assert set(audits.values_list("channel", flat=True)) == {Channel.HISTORY}
    kangding = DataValue.objects.get(element__code="live_births", orgunit__code="513301", year=2009)
    assert kangding.value == 1090.0
    # Loaded twice, the same file stores nothing more.
    again = history_plan(actor=admin, values=read_csv(TEN_YEARS.encode()).values)
    assert again.ok
    assert not again.values
    assert again.unchanged == 40


def test_one_problem_and_nothing_is_written(admin: Any) -> None:
    round_open(actor=admin, year=2009, closes_on=dt.date(2021, 4, 30))
    lines = TEN_YEARS.replace(
        "live_births,513322,2004,total,1041", "live_births,513322,2004,total,十"
    )
    with translation.override("en"):
        plan = history_plan(actor=admin, values=read_csv(lines.encode()).values)
    codes = sorted({p.code for p in plan.problems})
    assert codes == [ErrorCode.HISTORY_ROUND_OPEN, ErrorCode.NOT_A_NUMBER]
    bad = next(p for p in plan.problems if p.code == ErrorCode.NOT_A_NUMBER)
    assert bad.row == 20
    assert "十" in bad.message
    with pytest.raises(ValueError, match="problems"):
        history_apply(actor=admin, plan=plan)
    assert not DataValue.objects.filter(year__lt=2010).exists()
    assert list(Round.objects.filter(year__lt=2010).values_list("year", flat=True)) == [2009]


def test_a_year_of_the_demo_gets_what_it_lacks_into_its_approved_submission(admin: Any) -> None:
    stored = DataValue.objects.filter(year=2012, submission__state=SubmissionState.APPROVED)
    dv = stored.select_related("element", "orgunit").first()
    assert dv is not None
    csv = HEADER + f"{dv.element.code},{dv.orgunit.code},2012,{dv.disaggregation},{dv.value:g}\n"
    dv.delete()
    plan = history_plan(actor=admin, values=read_csv(csv.encode()).values)
    assert plan.ok
    assert len(plan.values) == 1
    history_apply(actor=admin, plan=plan)
    back = DataValue.objects.get(
        element=dv.element, orgunit=dv.orgunit, year=2012, disaggregation=dv.disaggregation
    )
    assert back.value == dv.value
    assert back.submission_id == dv.submission_id


def test_a_stored_value_is_never_overwritten(admin: Any) -> None:
    history_apply(
        actor=admin,
        plan=history_plan(actor=admin, values=read_csv(TEN_YEARS.encode()).values),
    )
    changed = TEN_YEARS.replace(
        "live_births,513301,2001,total,1010", "live_births,513301,2001,total,1011"
    )
    plan = history_plan(actor=admin, values=read_csv(changed.encode()).values)
    (problem,) = plan.problems
    assert problem.code == ErrorCode.HISTORY_DIFFERS
    assert "1010" in problem.message
    assert "1011" in problem.message


def test_only_an_administrator_loads_history() -> None:
    officer = member("officer", Role.COMMITTEE_OFFICER, "513300")
    with pytest.raises(Forbidden):
        history_plan(actor=officer, values=read_csv(TEN_YEARS.encode()).values)


def test_the_command_line_checks_then_stores(admin: Any, tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(TEN_YEARS, encoding="gb18030")  # as WPS saves it
    out, err = io.StringIO(), io.StringIO()
    args = ["import", "values", str(path), "--history", "--user", "admin"]
    assert run([*args, "--dry-run"], out, err) == 0, err.getvalue()
    assert not DataValue.objects.filter(year__lt=2010).exists()
    assert run(args, out, err) == 0, err.getvalue()
    assert DataValue.objects.filter(year__lt=2010).count() == 40
    member("clerk", Role.CLERK, "513300", ["health"])
    err = io.StringIO()
    assert run(["import", "values", str(path), "--history", "--user", "clerk"], out, err) == 2
    assert err.getvalue().strip()


def test_a_county_s_administrator_loads_only_its_own_history() -> None:
    county_admin = member("cadmin", Role.ADMIN, "513301", ["health"])
    plan = history_plan(actor=county_admin, values=read_csv(TEN_YEARS.encode()).values)
    outside = {p.row for p in plan.problems if p.code == ErrorCode.HISTORY_OUTSIDE_SCOPE}
    # Luding's 20 rows (every other pair of lines) are refused; Kangding's are not.
    assert len(outside) == 20
    assert len(plan.problems) == 20
    own = HEADER + "".join(line + "\n" for line in TEN_YEARS.splitlines() if ",513301," in line)
    plan = history_plan(actor=county_admin, values=read_csv(own.encode()).values)
    assert plan.ok, plan.problems
    assert len(plan.values) == 20


def test_a_clearing_in_a_history_file_is_refused_not_taken_as_a_value(admin: Any) -> None:
    lines = TEN_YEARS.replace(
        "infant_deaths,513301,2003,total,8", "infant_deaths,513301,2003,total,删除"
    )
    (problem,) = history_plan(actor=admin, values=read_csv(lines.encode()).values).problems
    assert problem.code == ErrorCode.HISTORY_NOTHING_TO_CLEAR
