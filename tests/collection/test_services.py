"""The collection workflow: rounds, saving values, validation, submit → approve/return → reopen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from lianggang.accounts.models import Role
from lianggang.analytics.models import IndicatorValue
from lianggang.collection.errors import CollectionError, ErrorCode, Forbidden, NotFound
from lianggang.collection.models import (
    DataSet,
    DataValue,
    DataValueAudit,
    Round,
    Submission,
    SubmissionEvent,
    SubmissionState,
)
from lianggang.collection.selectors import elements_for_year
from lianggang.collection.services import (
    Entry,
    SubmissionBlocked,
    datavalues_save,
    parse_number,
    round_close,
    round_open,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_submit,
    validation_note_save,
)
from tests.factories import member

pytestmark = pytest.mark.django_db
YEAR = 2026


def _user(name: str, role: str | None, orgunit: str, departments: list[str] | None = None) -> Any:
    return member(name, role, orgunit, departments)


@pytest.fixture
def people() -> dict[str, Any]:
    return {
        "admin": get_user_model().objects.create_superuser("root", "", "a-long-test-password"),
        "officer": _user("officer", Role.COMMITTEE_OFFICER, "513300"),
        "county_officer": _user("kd_officer", Role.COUNTY_OFFICER, "513301"),
        "other_county_officer": _user("ld_officer", Role.COUNTY_OFFICER, "513322"),
        "clerk": _user("kd_health", Role.CLERK, "513301", ["health"]),
        "other_clerk": _user("kd_education", Role.CLERK, "513301", ["education"]),
        "viewer": _user("leader", Role.VIEWER, "513300"),
        "nobody": _user("nobody", None, "513300"),
    }


@pytest.fixture
def round_2026(people: dict[str, Any]) -> Round:
    return round_open(actor=people["officer"], year=YEAR, closes_on=dt.date(2027, 4, 30))


def _health_submission(round_: Round, county: str = "513301") -> Submission:
    return Submission.objects.get(
        round=round_, data_set__code="annual-health", orgunit__code=county
    )


GOOD = [
    Entry("live_births", "total", "1,480"),
    Entry("live_births", "urban", "700"),
    Entry("live_births", "rural", "780"),
    Entry("maternal_deaths", "total", "０"),
    Entry("maternal_deaths", "urban", "0"),
    Entry("maternal_deaths", "rural", "0"),
    Entry("neonatal_deaths", "total", "5"),
    Entry("infant_deaths", "total", "9"),
    Entry("under5_deaths", "total", "12"),
]


def test_parse_number_accepts_what_officers_type() -> None:
    assert parse_number("1,234") == 1234
    assert parse_number(" １２３ ") == 123
    assert parse_number("12.5%") == 12.5
    assert parse_number("") is None
    assert parse_number("  ") is None
    with pytest.raises(ValueError, match="abc"):
        parse_number("abc")


def test_opening_a_round_creates_the_submissions(people: dict[str, Any], round_2026: Round) -> None:
    # Only the data sets the year asks something of: the trade union's two elements serve the
    # 2011–2020 outlines alone, so 2026 hands its clerks no empty form.
    asked = [ds for ds in DataSet.objects.all() if elements_for_year(ds, YEAR).exists()]
    assert "annual-trade_union" not in {ds.code for ds in asked}
    assert DataSet.objects.filter(code="annual-trade_union").exists()
    county_sets = sum(4 in ds.levels for ds in asked)
    summary_sets = sum(3 in ds.levels for ds in asked)
    assert summary_sets >= 1
    assert round_2026.submissions.count() == county_sets * 18 + summary_sets
    assert not round_2026.submissions.filter(data_set__code="annual-trade_union").exists()
    assert set(round_2026.submissions.values_list("state", flat=True)) == {SubmissionState.DRAFT}
    with pytest.raises(CollectionError) as info:
        round_open(actor=people["officer"], year=YEAR, closes_on=dt.date(2027, 4, 30))
    assert info.value.code == ErrorCode.ROUND_EXISTS
    for who in ("clerk", "county_officer", "viewer", "nobody"):
        with pytest.raises(Forbidden):
            round_open(actor=people[who], year=2027, closes_on=dt.date(2028, 4, 30))


def test_clerk_saves_values_with_audit_and_versions(
    people: dict[str, Any], round_2026: Round
) -> None:
    sub = _health_submission(round_2026)
    result = datavalues_save(actor=people["clerk"], submission_id=sub.pk, entries=GOOD)
    assert result.created == len(GOOD)
    assert (
        DataValue.objects.get(
            element__code="live_births", orgunit__code="513301", year=YEAR, disaggregation="total"
        ).value
        == 1480
    )
    assert DataValueAudit.objects.filter(submission=sub).count() == len(GOOD)
    audit = DataValueAudit.objects.filter(submission=sub, element__code="live_births").first()
    assert audit is not None
    assert (audit.old_value, audit.actor, audit.channel) == (None, people["clerk"], "grid")

    again = datavalues_save(actor=people["clerk"], submission_id=sub.pk, entries=GOOD)
    assert again.unchanged == len(GOOD)
    assert DataValueAudit.objects.filter(submission=sub).count() == len(GOOD)

    changed = datavalues_save(
        actor=people["clerk"],
        submission_id=sub.pk,
        entries=[Entry("under5_deaths", "total", "13", "核实后更正", expected_version=1)],
    )
    assert changed.updated == 1
    assert changed.versions["under5_deaths", "total"] == 2
    last = DataValueAudit.objects.filter(element__code="under5_deaths", submission=sub).first()
    assert last is not None
    assert (last.old_value, last.new_value, last.new_comment) == (12, 13, "核实后更正")

    cleared = datavalues_save(
        actor=people["clerk"], submission_id=sub.pk, entries=[Entry("under5_deaths", "total", "")]
    )
    assert cleared.deleted == 1
    assert not DataValue.objects.filter(element__code="under5_deaths", year=YEAR).exists()


def test_the_second_of_two_concurrent_edits_is_refused(
    people: dict[str, Any], round_2026: Round
) -> None:
    sub = _health_submission(round_2026)
    datavalues_save(
        actor=people["clerk"],
        submission_id=sub.pk,
        entries=[Entry("live_births", "total", "1480", expected_version=0)],
    )
    with pytest.raises(CollectionError) as info:
        datavalues_save(
            actor=people["admin"],
            submission_id=sub.pk,
            entries=[Entry("live_births", "total", "1500", expected_version=0)],
        )
    assert info.value.code == ErrorCode.CONFLICT
    assert "1480" in str(info.value)
    assert "1500" in str(info.value)
    assert (
        DataValue.objects.get(
            element__code="live_births", year=YEAR, orgunit__code="513301", disaggregation="total"
        ).value
        == 1480
    )


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (Entry("live_births", "total", "abc"), ErrorCode.NOT_A_NUMBER),
        (Entry("live_births", "total", "-3"), ErrorCode.NEGATIVE),
        (Entry("live_births", "total", "12.5"), ErrorCode.NOT_WHOLE),
        (Entry("preschool_enrolled", "total", "5"), ErrorCode.UNKNOWN_ELEMENT),
        (Entry("infant_deaths", "urban", "5"), ErrorCode.UNKNOWN_DISAGGREGATION),
    ],
)
def test_a_bad_entry_saves_nothing(
    people: dict[str, Any], round_2026: Round, entry: Entry, code: ErrorCode
) -> None:
    sub = _health_submission(round_2026)
    with pytest.raises(CollectionError) as info:
        datavalues_save(actor=people["clerk"], submission_id=sub.pk, entries=[*GOOD, entry])
    assert info.value.code == code
    assert not DataValue.objects.filter(year=YEAR).exists()
    assert not DataValueAudit.objects.filter(year=YEAR).exists()


def test_scope_and_roles_for_saving(people: dict[str, Any], round_2026: Round) -> None:
    sub = _health_submission(round_2026)
    for who in ("other_clerk", "other_county_officer", "viewer", "nobody"):
        with pytest.raises(NotFound):
            datavalues_save(actor=people[who], submission_id=sub.pk, entries=GOOD)
    for who in ("officer", "county_officer"):
        with pytest.raises(Forbidden):
            datavalues_save(actor=people[who], submission_id=sub.pk, entries=GOOD)
    luding = _health_submission(round_2026, "513322")
    with pytest.raises(NotFound):
        datavalues_save(actor=people["clerk"], submission_id=luding.pk, entries=GOOD)
    assert not DataValue.objects.filter(year=YEAR).exists()


def test_errors_block_submission_and_warnings_need_an_explanation(
    people: dict[str, Any], round_2026: Round
) -> None:
    sub = _health_submission(round_2026)
    bad = [
        e if e.element != "infant_deaths" else Entry("infant_deaths", "total", "3") for e in GOOD
    ]
    result = datavalues_save(actor=people["clerk"], submission_id=sub.pk, entries=bad)
    assert "rule:neonatal-le-infant-deaths" in {f.key for f in result.findings}
    with pytest.raises(SubmissionBlocked) as info:
        submission_submit(actor=people["clerk"], submission_id=sub.pk)
    assert "rule:neonatal-le-infant-deaths" in {f.key for f in info.value.errors}
    sub.refresh_from_db()
    assert sub.state == SubmissionState.DRAFT

    datavalues_save(
        actor=people["clerk"],
        submission_id=sub.pk,
        entries=[
            Entry("infant_deaths", "total", "9"),
            Entry("live_births", "total", "5000"),
            Entry("live_births", "rural", "4300"),
        ],
    )
    with pytest.raises(SubmissionBlocked) as info:
        submission_submit(actor=people["clerk"], submission_id=sub.pk)
    assert not info.value.errors
    keys = {f.key for f in info.value.warnings}
    assert "change:live_births:total" in keys or "outlier:live_births:total" in keys
    for finding in info.value.warnings:
        validation_note_save(
            actor=people["clerk"],
            submission_id=sub.pk,
            check_key=finding.key,
            comment="新建妇产医院，分娩量增加",
        )
    submission_submit(actor=people["clerk"], submission_id=sub.pk)
    sub.refresh_from_db()
    assert (sub.state, sub.submitted_by) == (SubmissionState.SUBMITTED, people["clerk"])


def test_return_approve_lock_and_reopen(
    people: dict[str, Any], round_2026: Round, django_capture_on_commit_callbacks: Any
) -> None:
    sub = _health_submission(round_2026)
    datavalues_save(actor=people["clerk"], submission_id=sub.pk, entries=GOOD)
    submission_submit(actor=people["clerk"], submission_id=sub.pk)

    with pytest.raises(Forbidden):
        submission_approve(actor=people["clerk"], submission_id=sub.pk)
    with pytest.raises(NotFound):
        submission_approve(actor=people["other_county_officer"], submission_id=sub.pk)
    with pytest.raises(CollectionError) as info:
        submission_return(actor=people["county_officer"], submission_id=sub.pk, reason=" ")
    assert info.value.code == ErrorCode.REASON_REQUIRED
    submission_return(actor=people["county_officer"], submission_id=sub.pk, reason="死亡数请复核")
    datavalues_save(
        actor=people["clerk"],
        submission_id=sub.pk,
        entries=[Entry("neonatal_deaths", "total", "4")],
    )
    submission_submit(actor=people["clerk"], submission_id=sub.pk)

    with django_capture_on_commit_callbacks(execute=True):
        submission_approve(actor=people["county_officer"], submission_id=sub.pk)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.APPROVED
    assert sub.approved_by == people["county_officer"]
    nmr = IndicatorValue.objects.get(
        indicator__code="c21-nmr", orgunit__code="513301", year=YEAR, disaggregation="total"
    )
    assert (nmr.numerator, nmr.denominator) == (4, 1480)
    pref = IndicatorValue.objects.get(
        indicator__code="c21-nmr", orgunit__code="513300", year=YEAR, disaggregation="total"
    )
    assert (pref.n_reporting, pref.n_children) == (1, 18)

    with pytest.raises(CollectionError) as info:
        datavalues_save(actor=people["clerk"], submission_id=sub.pk, entries=GOOD)
    assert info.value.code == ErrorCode.LOCKED

    with django_capture_on_commit_callbacks(execute=True):
        submission_reopen(actor=people["officer"], submission_id=sub.pk, reason="县里发现漏报")
    assert not IndicatorValue.objects.filter(
        indicator__code="c21-nmr", orgunit__code="513301", year=YEAR
    ).exists()
    states = list(
        SubmissionEvent.objects.filter(submission=sub)
        .order_by("id")
        .values_list("from_state", "to_state", "reason")
    )
    assert states == [
        ("draft", "submitted", ""),
        ("submitted", "returned", "死亡数请复核"),
        ("returned", "submitted", ""),
        ("submitted", "approved", ""),
        ("approved", "returned", "县里发现漏报"),
    ]


def test_a_closed_round_takes_no_values(people: dict[str, Any], round_2026: Round) -> None:
    sub = _health_submission(round_2026)
    round_close(actor=people["officer"], round_id=round_2026.pk)
    with pytest.raises(CollectionError) as info:
        datavalues_save(actor=people["clerk"], submission_id=sub.pk, entries=GOOD)
    assert info.value.code == ErrorCode.ROUND_NOT_OPEN


def test_officers_hear_of_submissions_and_clerks_of_returns(
    people: dict[str, Any], round_2026: Round
) -> None:
    from lianggang.collection.models import Notification

    sub = _health_submission(round_2026)
    datavalues_save(actor=people["clerk"], submission_id=sub.pk, entries=GOOD)
    submission_submit(actor=people["clerk"], submission_id=sub.pk)
    told = set(Notification.objects.filter(kind="submitted").values_list("recipient", flat=True))
    assert told == {people["officer"].pk, people["county_officer"].pk}
    submission_return(actor=people["county_officer"], submission_id=sub.pk, reason="请核实")
    returned = Notification.objects.filter(kind="returned")
    assert set(returned.values_list("recipient", flat=True)) == {people["clerk"].pk}
    assert returned.get().reason == "请核实"
