"""A prefecture's existing history (years of 两纲 figures kept in Excel) brought in at once.

Past years' values go through the same door as every import — read by any of the formats into
:class:`~lianggang.collection.workbook.RawValue`, checked by the grid's own check
(:func:`~lianggang.collection.services.check_value`) — and are stored as approved into closed
rounds: the round of a year without one is created closed, each data set × org unit gets an
approved submission, every value an audit row with the channel ``history``. All in one
transaction: a single problem and nothing is written.

Only an administrator loads history. A history load never overwrites nor clears a stored value
(a differing one is refused, to be corrected through its round), and never writes into a round
that is open or planned, nor into a submission that is not approved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from lianggang.accounts.models import Role
from lianggang.accounts.selectors import user_scope
from lianggang.framework.models import DataElement, DisaggregationOption
from lianggang.orgunits.models import OrgUnit

from .bulk import insert_values
from .errors import CollectionError, ErrorCode, Forbidden
from .imports import identify, value_problem
from .models import (
    Channel,
    DataSet,
    DataValue,
    DataValueAudit,
    Round,
    RoundState,
    Submission,
    SubmissionEvent,
    SubmissionState,
)
from .services import _notify_approval_changed, check_value
from .workbook import Problem, RawValue, is_blank

HISTORY_REASON = "history"


@dataclass(frozen=True)
class HistoryValue:
    """A checked value to store: its place, its data set, its number."""

    year: int
    orgunit_id: int
    data_set_id: int
    element_id: int
    disaggregation: str
    value: float
    comment: str


@dataclass
class HistoryPlan:
    values: list[HistoryValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    blank: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def years(self) -> list[int]:
        return sorted({v.year for v in self.values})


@dataclass
class HistoryResult:
    rounds_created: list[int]
    submissions_created: int
    values_created: int


def access_history(actor: User) -> None:
    """Only an administrator loads history: it writes approved values nobody reviewed."""
    if user_scope(actor).role != Role.ADMIN:
        raise Forbidden


def history_plan(*, actor: User, values: Sequence[RawValue]) -> HistoryPlan:
    """Check every value and list what a history load would store; write nothing."""
    access_history(actor)
    scope = user_scope(actor)
    plan = HistoryPlan()
    elements = {e.code: e for e in DataElement.objects.all()}
    options = dict(DisaggregationOption.objects.values_list("code", "category__code"))
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={v.orgunit for v in values})}
    rounds = {r.year: r for r in Round.objects.filter(year__in={v.year for v in values})}
    data_sets = list(DataSet.objects.order_by("code").prefetch_related("elements"))
    codes_of = {ds.pk: {e.code for e in ds.elements.all()} for ds in data_sets}
    submissions = {
        (s.round.year, s.data_set_id, s.orgunit_id): s
        for s in Submission.objects.filter(round__in=rounds.values()).select_related("round")
    }
    stored = {
        (o, e, d, y): value
        for o, e, d, y, value in DataValue.objects.filter(
            year__in=rounds, orgunit__in=units.values()
        ).values_list("orgunit_id", "element__code", "disaggregation", "year", "value")
    }
    seen: dict[tuple[int, str, str, int], RawValue] = {}
    for raw in values:
        where: dict[str, Any] = {"sheet": raw.sheet, "row": raw.row}
        element = identify(raw, elements, options)
        if isinstance(element, Problem):
            plan.problems.append(element)
            continue
        unit = units.get(raw.orgunit)
        if unit is None:
            plan.problems.append(
                Problem.of(ErrorCode.NO_SUCH_ORGUNIT, column="orgunit", code=raw.orgunit, **where)
            )
            continue
        key = (unit.pk, raw.element, raw.disaggregation, raw.year)
        if key in seen:
            plan.problems.append(
                Problem.of(ErrorCode.DUPLICATE, element=element.name, other=seen[key].row, **where)
            )
            continue
        seen[key] = raw
        rnd = rounds.get(raw.year)
        if rnd is not None and rnd.state != RoundState.CLOSED:
            plan.problems.append(Problem.of(ErrorCode.HISTORY_ROUND_OPEN, year=raw.year, **where))
            continue
        data_set = next(
            (
                ds
                for ds in data_sets
                if raw.element in codes_of[ds.pk] and unit.level in (ds.levels or [])
            ),
            None,
        )
        if data_set is None:
            plan.problems.append(
                Problem.of(
                    ErrorCode.HISTORY_NO_DATA_SET, element=element.name, orgunit=unit.name, **where
                )
            )
            continue
        if not (
            scope.covers_orgunit(unit.path) and scope.covers_department(data_set.department_id)
        ):
            plan.problems.append(
                Problem.of(
                    ErrorCode.HISTORY_OUTSIDE_SCOPE,
                    data_set=data_set.name,
                    orgunit=unit.name,
                    **where,
                )
            )
            continue
        sub = submissions.get((raw.year, data_set.pk, unit.pk))
        if sub is not None and sub.state != SubmissionState.APPROVED:
            plan.problems.append(
                Problem.of(
                    ErrorCode.HISTORY_SUBMISSION_PENDING,
                    year=raw.year,
                    orgunit=unit.name,
                    data_set=data_set.name,
                    state=sub.get_state_display(),
                    **where,
                )
            )
            continue
        if is_blank(raw.value) and not raw.clear:
            plan.blank += 1
            continue
        try:
            number = None if raw.clear else check_value(raw.value, element)
        except CollectionError as exc:
            plan.problems.append(value_problem(exc, raw))
            continue
        old = stored.get(key)
        if old is not None and old == number:
            plan.unchanged += 1
            continue
        if old is None and number is None:  # a clearing where nothing is stored
            plan.problems.append(
                Problem.of(ErrorCode.HISTORY_NOTHING_TO_CLEAR, column=raw.column, **where)
            )
            continue
        if old is not None or number is None:
            plan.problems.append(
                Problem.of(
                    ErrorCode.HISTORY_DIFFERS,
                    column=raw.column,
                    element=element.name,
                    orgunit=unit.name,
                    year=raw.year,
                    stored="—" if old is None else f"{old:g}",
                    uploaded=str(raw.value).strip() if number is not None else "删除",
                    **where,
                )
            )
            continue
        plan.values.append(
            HistoryValue(
                raw.year,
                unit.pk,
                data_set.pk,
                element.pk,
                raw.disaggregation,
                number,
                raw.comment.strip(),
            )
        )
    return plan


@transaction.atomic
def history_apply(*, actor: User, plan: HistoryPlan) -> HistoryResult:
    """Store a checked plan in one transaction: closed rounds, approved submissions, values,
    audit rows with the channel ``history``."""
    access_history(actor)
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    now = timezone.now()
    rounds = {r.year: r for r in Round.objects.select_for_update().filter(year__in=plan.years)}
    created_rounds = []
    for year in plan.years:
        rnd = rounds.get(year)
        if rnd is None:
            rounds[year] = Round.objects.create(
                year=year,
                state=RoundState.CLOSED,
                opened_at=now,
                opened_by=actor,
                closed_at=now,
                closed_by=actor,
            )
            created_rounds.append(year)
        elif rnd.state != RoundState.CLOSED:  # opened since the plan was made
            raise CollectionError(ErrorCode.HISTORY_ROUND_OPEN, year=year)
    wanted = {(v.year, v.data_set_id, v.orgunit_id) for v in plan.values}
    subs = {
        (s.round.year, s.data_set_id, s.orgunit_id): s
        for s in Submission.objects.select_related("round").filter(
            round__in=rounds.values(), data_set_id__in={k[1] for k in wanted}
        )
    }
    new_subs = [
        Submission(
            round=rounds[year],
            data_set_id=ds,
            orgunit_id=unit,
            state=SubmissionState.APPROVED,
            approved_at=now,
            approved_by=actor,
        )
        for year, ds, unit in sorted(wanted - subs.keys())
    ]
    Submission.objects.bulk_create(new_subs)
    for sub in Submission.objects.select_related("round").filter(
        round__in=rounds.values(), data_set_id__in={k[1] for k in wanted}
    ):
        subs[(sub.round.year, sub.data_set_id, sub.orgunit_id)] = sub
    created = {(s.round.year, s.data_set_id, s.orgunit_id) for s in new_subs}
    SubmissionEvent.objects.bulk_create(
        SubmissionEvent(
            submission=subs[k],
            from_state=SubmissionState.DRAFT,
            to_state=SubmissionState.APPROVED,
            actor=actor,
            reason=HISTORY_REASON,
        )
        for k in sorted(created)
    )
    rows, audits = [], []
    by_submission: dict[int, int] = defaultdict(int)
    for v in plan.values:
        sub = subs[(v.year, v.data_set_id, v.orgunit_id)]
        if sub.state != SubmissionState.APPROVED:  # changed since the plan was made
            raise CollectionError(ErrorCode.LOCKED, state=sub.get_state_display())
        place = {
            "element_id": v.element_id,
            "orgunit_id": v.orgunit_id,
            "year": v.year,
            "disaggregation": v.disaggregation,
            "submission_id": sub.pk,
        }
        rows.append(
            {
                **place,
                "value": v.value,
                "comment": v.comment,
                "version": 1,
                "updated_at": now,
                "updated_by_id": actor.pk,
            }
        )
        audits.append(
            {
                **place,
                "old_value": None,
                "new_value": v.value,
                "old_comment": "",
                "new_comment": v.comment,
                "actor_id": actor.pk,
                "at": now,
                "channel": Channel.HISTORY,
                "reason": HISTORY_REASON,
            }
        )
        by_submission[sub.pk] += 1
    insert_values(DataValue, rows)
    insert_values(DataValueAudit, audits)
    _notify_approval_changed(sorted(by_submission))
    return HistoryResult(created_rounds, len(new_subs), len(rows))
