"""Reads of collected data."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, When

from lianggang.framework.models import DataElement, DisaggregationOption, Indicator, Outline

from .models import (
    DataSet,
    DataValue,
    DataValueAudit,
    Round,
    Submission,
    SubmissionEvent,
    SubmissionState,
)

NOT_STARTED = "not_started"


def datavalues_approved() -> QuerySet[DataValue]:
    """Values that feed official figures: those of approved submissions."""
    return DataValue.objects.filter(submission__state=SubmissionState.APPROVED)


def data_is_demo() -> bool:
    """Whether any figure shown comes from synthetic demo data."""
    return Round.objects.filter(is_demo=True).exists()


@dataclass
class GridRow:
    """One cell of a submission's grid: an element and a breakdown, with its recent history."""

    element: DataElement
    disaggregation: str
    label: str
    value: float | None
    comment: str
    version: int
    previous: list[float | None]  # the two previous years, oldest first


def submission_grid(submission: Submission) -> list[GridRow]:
    """The cells of a submission in the data set's order, with the last two approved years."""
    year = submission.round.year
    elements = sorted(elements_for_year(submission.data_set, year), key=_framework_position())
    options = {
        o.code: o
        for o in DisaggregationOption.objects.filter(
            category__code__in={c for e in elements for c in (e.disaggregations or [])}
        ).select_related("category")
    }
    current = {
        (v.element_id, v.disaggregation): v
        for v in DataValue.objects.filter(
            element__in=elements, orgunit_id=submission.orgunit_id, year=year
        )
    }
    history: dict[tuple[int, str, int], float] = {
        (e, d, y): v
        for e, d, y, v in datavalues_approved()
        .filter(
            element__in=elements,
            orgunit_id=submission.orgunit_id,
            year__in=[year - 2, year - 1],
        )
        .values_list("element_id", "disaggregation", "year", "value")
    }
    rows = []
    for element in elements:
        breakdowns = ["total"] + [
            o.code for o in options.values() if o.category.code in (element.disaggregations or [])
        ]
        for disagg in breakdowns:
            dv = current.get((element.pk, disagg))
            rows.append(
                GridRow(
                    element=element,
                    disaggregation=disagg,
                    label="" if disagg == "total" else options[disagg].name,
                    value=dv.value if dv else None,
                    comment=dv.comment if dv else "",
                    version=dv.version if dv else 0,
                    previous=[history.get((element.pk, disagg, y)) for y in (year - 2, year - 1)],
                )
            )
    return rows


def elements_for_year(data_set: DataSet, year: int) -> QuerySet[DataElement]:
    """The elements of a data set that a round of ``year`` asks for: those used by an indicator
    of an outline whose period covers the year, and those no indicator uses (plain elements).
    An element only the 2011–2020 outlines use is not asked in 2026."""
    if not Outline.objects.filter(start_year__lte=year, end_year__gte=year).exists():
        # A year no outline covers (2010, before the first; a history load): nothing tells
        # which elements it asks, so all of them, and nothing stored is hidden.
        return data_set.elements.all()
    used = Indicator.objects.filter(Q(numerator=OuterRef("pk")) | Q(denominator=OuterRef("pk")))
    covering = used.filter(
        target__area__outline__start_year__lte=year, target__area__outline__end_year__gte=year
    )
    return data_set.elements.filter(Exists(covering) | ~Exists(used))


def _framework_position() -> Callable[[DataElement], tuple[int, str]]:
    """Sort elements as the outlines list the indicators using them (numerator first)."""
    position: dict[int, int] = {}
    ordered = Indicator.objects.order_by(
        "-target__area__outline__start_year",
        "-target__area__outline__kind",
        "target__area__number",
        "target__sort_order",
        "sort_order",
    ).values_list("numerator_id", "denominator_id")
    for i, (num, den) in enumerate(ordered):
        position.setdefault(num, 2 * i)
        if den is not None:
            position.setdefault(den, 2 * i + 1)
    return lambda e: (position.get(e.pk, 10**9), e.code)


def cell_history(
    submission: Submission, element_code: str, disaggregation: str
) -> QuerySet[DataValueAudit]:
    return DataValueAudit.objects.filter(
        element__code=element_code,
        orgunit_id=submission.orgunit_id,
        year=submission.round.year,
        disaggregation=disaggregation,
    ).select_related("actor")


@dataclass
class CompletenessCell:
    counts: dict[str, int]
    total: int
    code: str = ""  # the department's or the org unit's code (the round page filters by it)

    @property
    def approved_share(self) -> float:
        return self.counts.get(SubmissionState.APPROVED, 0) / self.total if self.total else 0.0


def completeness(submissions: QuerySet[Submission]) -> dict[str, dict[str, CompletenessCell]]:
    """State counts by department and by org unit; a draft without any value is not started.

    Departments come in their own order; org units parent first (the prefecture before its
    counties), then by code.
    """
    by: dict[str, dict[str, CompletenessCell]] = {"departments": {}, "orgunits": {}}
    position: dict[tuple[str, str], tuple[int, str]] = {}
    rows = submissions.annotate(
        started=Exists(DataValue.objects.filter(submission=OuterRef("pk")))
    ).values_list(
        "data_set__department__code",
        "data_set__department__name",
        "data_set__department__sort_order",
        "orgunit__code",
        "orgunit__name",
        "orgunit__path",
        "state",
        "started",
    )
    for dept_code, dept, dept_order, unit_code, unit, unit_path, state, started in rows:
        label = NOT_STARTED if state == SubmissionState.DRAFT and not started else state
        for key, code, name, order in (
            ("departments", dept_code, dept, (dept_order, dept_code)),
            ("orgunits", unit_code, unit, (0, unit_path)),
        ):
            cell = by[key].setdefault(name, CompletenessCell({}, 0, code))
            position[key, name] = order
            cell.counts[label] = cell.counts.get(label, 0) + 1
            cell.total += 1

    def ordered(key: str) -> dict[str, CompletenessCell]:
        return dict(sorted(by[key].items(), key=lambda item: position[key, item[0]]))

    return {key: ordered(key) for key in by}


def submissions_in_tree_order(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Parent units first (the prefecture before its counties), then by code; within a unit,
    by department and data set."""
    return submissions.order_by(
        "orgunit__path", "data_set__department__sort_order", "data_set__code"
    )


def submissions_late(submissions: QuerySet[Submission], today: dt.date) -> QuerySet[Submission]:
    """Submissions not yet submitted although their round's deadline has passed."""
    return submissions.filter(
        round__closes_on__lt=today,
        state__in=[SubmissionState.DRAFT, SubmissionState.RETURNED],
    ).select_related("round", "data_set__department", "orgunit")


def submissions_due(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Of ``submissions`` (already within the user's scope), those still to enter: the returned
    ones first, each with the reason of its last return (``return_reason``), then the drafts,
    the nearest deadline first."""
    last_return = SubmissionEvent.objects.filter(
        submission=OuterRef("pk"), to_state=SubmissionState.RETURNED
    ).order_by("-at", "-pk")
    return (
        submissions.filter(state__in=[SubmissionState.RETURNED, SubmissionState.DRAFT])
        .annotate(
            returned_first=Case(When(state=SubmissionState.RETURNED, then=0), default=1),
            return_reason=Subquery(last_return.values("reason")[:1]),
        )
        .order_by(
            "returned_first",
            "round__closes_on",
            "round__year",
            "orgunit__sort_order",
            "data_set__code",
        )
    )
