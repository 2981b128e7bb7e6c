"""Reads of derived figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from lianggang.collection.models import DataValue, SubmissionState
from lianggang.framework.models import Area, Indicator, Outline
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import orgunit_descendants

from .models import Assessment, IndicatorValue


def outline_indicators(outline: Outline) -> QuerySet[Indicator]:
    return Indicator.objects.filter(target__area__outline=outline).order_by(
        "target__area__number", "target__sort_order", "sort_order"
    )


def indicator_values(
    *,
    outline: Outline,
    year: int | None = None,
    orgunit: OrgUnit | None = None,
    disaggregation: str | None = "total",
) -> QuerySet[IndicatorValue]:
    qs = IndicatorValue.objects.filter(indicator__target__area__outline=outline)
    if year is not None:
        qs = qs.filter(year=year)
    if orgunit is not None:
        qs = qs.filter(orgunit__in=orgunit_descendants(orgunit, include_self=True))
    if disaggregation is not None:
        qs = qs.filter(disaggregation=disaggregation)
    return qs.select_related("indicator", "orgunit")


def assessments(
    *, outline: Outline, year: int | None = None, orgunit: OrgUnit | None = None
) -> QuerySet[Assessment]:
    qs = Assessment.objects.filter(indicator__target__area__outline=outline)
    if year is not None:
        qs = qs.filter(year=year)
    if orgunit is not None:
        qs = qs.filter(orgunit__in=orgunit_descendants(orgunit, include_self=True))
    return qs.select_related("indicator", "orgunit")


def latest_assessment_year(outline: Outline) -> int | None:
    row = (
        Assessment.objects.filter(indicator__target__area__outline=outline)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return row


def values_not_yet_approved(*, year: int, orgunit: OrgUnit) -> int:
    """How many values of ``year`` in ``orgunit``'s subtree are entered but not approved (they
    are not in the figures; a report says so)."""
    return (
        DataValue.objects.filter(year=year, orgunit__path__startswith=orgunit.path)
        .exclude(submission__state=SubmissionState.APPROVED)
        .count()
    )


STATUS_ORDER = (
    "REGRESSING",
    "OFF_TRACK",
    "ON_TRACK",
    "ACHIEVED",
    "INSUFFICIENT_DATA",
    "NO_DATA",
    "NO_TARGET",
)


@dataclass
class IndicatorRow:
    indicator: Indicator
    assessment: Assessment | None
    series: list[tuple[int, float | None]]
    counties: list[Assessment | None]

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else "NO_DATA"


@dataclass
class AreaSummary:
    area: Area
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))
    total: int = 0


@dataclass
class GridLine:
    unit: OrgUnit
    cells: list[tuple[Indicator, Assessment | None]]


@dataclass
class Dashboard:
    indicators: list[Indicator]
    areas: list[AreaSummary]
    totals: dict[str, int]
    rows: list[IndicatorRow]
    children: list[OrgUnit]
    grid: list[GridLine]


def dashboard_data(*, outline: Outline, orgunit: OrgUnit, year: int) -> Dashboard:
    """Everything the dashboard shows for one outline, org unit and year, in a few queries."""
    indicators = list(outline_indicators(outline).select_related("target__area"))
    children = list(orgunit.children.order_by("sort_order", "code"))
    judged = {
        (a.indicator_id, a.orgunit_id): a
        for a in Assessment.objects.filter(
            indicator__in=indicators, orgunit__in=[orgunit, *children], year=year
        )
    }
    series: dict[int, list[tuple[int, float | None]]] = {}
    for ind_id, y, value in (
        IndicatorValue.objects.filter(
            indicator__in=indicators, orgunit=orgunit, disaggregation="total", year__lte=year
        )
        .order_by("year")
        .values_list("indicator_id", "year", "value")
    ):
        series.setdefault(ind_id, []).append((y, value))
    areas: dict[int, AreaSummary] = {}
    rows = []
    for ind in indicators:
        row = IndicatorRow(
            indicator=ind,
            assessment=judged.get((ind.pk, orgunit.pk)),
            series=series.get(ind.pk, []),
            counties=[judged.get((ind.pk, c.pk)) for c in children],
        )
        summary = areas.setdefault(ind.target.area_id, AreaSummary(ind.target.area))
        summary.counts[row.status] += 1
        summary.total += 1
        rows.append(row)
    totals = dict.fromkeys(STATUS_ORDER, 0)
    for summary in areas.values():
        for k, n in summary.counts.items():
            totals[k] += n
    grid = [
        GridLine(c, [(r.indicator, r.counties[i]) for r in rows]) for i, c in enumerate(children)
    ]
    return Dashboard(indicators, list(areas.values()), totals, rows, children, grid)
