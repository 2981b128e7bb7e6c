"""Reads of derived figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet

from lianggang.collection.models import DataValue, SubmissionState
from lianggang.framework.models import (
    Area,
    DisaggregationOption,
    Indicator,
    Outline,
    TargetOverride,
)
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import in_subtree, orgunit_children, orgunit_descendants

from .models import Assessment, IndicatorValue
from .status import LAGGING_FIRST
from .store import DEEPEST_JUDGED_LEVEL


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


def disaggregation_options(*, codes: Iterable[str] | None = None) -> QuerySet[DisaggregationOption]:
    """The options a figure is split by (女/男, 城镇/农村 …), in the framework's order (by
    category, then the option's place): every option, or those of ``codes`` (none for none)."""
    qs = DisaggregationOption.objects.order_by("category_id", "sort_order", "code")
    if codes is not None:
        qs = qs.filter(code__in=set(codes))
    return qs


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
        DataValue.objects.filter(in_subtree(orgunit.path, via="orgunit"), year=year)
        .exclude(submission__state=SubmissionState.APPROVED)
        .count()
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
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LAGGING_FIRST, 0))
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
    children = list(orgunit_children(orgunit))
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
    totals = dict.fromkeys(LAGGING_FIRST, 0)
    for summary in areas.values():
        for k, n in summary.counts.items():
            totals[k] += n
    grid = [
        GridLine(c, [(r.indicator, r.counties[i]) for r in rows]) for i, c in enumerate(children)
    ]
    return Dashboard(indicators, list(areas.values()), totals, rows, children, grid)


# The indicator page: one indicator at a unit and the units just below it.


def indicator_by_code(code: str) -> Indicator | None:
    """The indicator of ``code`` with what its page shows of the framework (its target, area and
    outline, numerator and denominator, departments and the units' own targets); None if no
    indicator has that code."""
    return (
        Indicator.objects.select_related("target__area__outline", "numerator", "denominator")
        .prefetch_related(
            "departments",
            Prefetch("overrides", queryset=TargetOverride.objects.select_related("orgunit")),
        )
        .filter(code=code)
        .first()
    )


def indicator_series_by_unit(
    *, indicator: Indicator, units: Iterable[OrgUnit]
) -> dict[int, dict[int, IndicatorValue]]:
    """The indicator's total (not split) values in each of ``units``, in one query: org unit id
    → year → value, the years in order. A unit without any value is absent."""
    by_unit: dict[int, dict[int, IndicatorValue]] = {}
    for v in IndicatorValue.objects.filter(
        indicator=indicator, orgunit__in=list(units), disaggregation="total"
    ).order_by("year"):
        by_unit.setdefault(v.orgunit_id, {})[v.year] = v
    return by_unit


def indicator_breakdowns(*, indicator: Indicator, orgunit: OrgUnit) -> list[IndicatorValue]:
    """The indicator's split values at ``orgunit`` (every disaggregation but the total), by
    disaggregation, then year."""
    return list(
        IndicatorValue.objects.filter(indicator=indicator, orgunit=orgunit)
        .exclude(disaggregation="total")
        .order_by("disaggregation", "year")
    )


def indicator_judgements(
    *, indicator: Indicator, units: Iterable[OrgUnit]
) -> dict[int, Assessment]:
    """The indicator's latest judgement in each of ``units``: org unit id → its assessment of
    the latest year judged. A unit never judged is absent."""
    return {
        a.orgunit_id: a
        for a in Assessment.objects.filter(indicator=indicator, orgunit__in=list(units)).order_by(
            "year"
        )
    }


# The annual report: every indicator of an outline at one unit in one year.


def judged_children(orgunit: OrgUnit) -> list[OrgUnit]:
    """The units just below ``orgunit`` that are judged (down to the county), in their order."""
    return list(orgunit_children(orgunit).filter(level__lte=DEEPEST_JUDGED_LEVEL))


class ValueRow(NamedTuple):
    """One stored figure, as the report reads it."""

    indicator_id: int
    year: int
    disaggregation: str
    value: float | None  # never None here: such figures are left out
    unstable: bool
    ci_low: float | None
    ci_high: float | None


def unit_value_history(
    *, indicators: Iterable[Indicator], orgunit: OrgUnit, year: int
) -> list[ValueRow]:
    """Every value (totals and splits) of ``indicators`` at ``orgunit`` up to ``year``, by year;
    figures without a value left out."""
    return [
        ValueRow(*row)
        for row in IndicatorValue.objects.filter(
            indicator__in=list(indicators), orgunit=orgunit, year__lte=year
        )
        .exclude(value=None)
        .order_by("year")
        .values_list(
            "indicator_id", "year", "disaggregation", "value", "unstable", "ci_low", "ci_high"
        )
    ]


def unit_judgements(
    *, indicators: Iterable[Indicator], orgunit: OrgUnit, year: int
) -> dict[int, Assessment]:
    """The judgements of ``indicators`` at ``orgunit`` in ``year``: indicator id → assessment."""
    return {
        a.indicator_id: a
        for a in Assessment.objects.filter(
            indicator__in=list(indicators), orgunit=orgunit, year=year
        )
    }


def values_by_indicator_and_unit(
    *, indicators: Iterable[Indicator], units: Iterable[OrgUnit], year: int
) -> dict[int, dict[int, IndicatorValue]]:
    """The total values of ``indicators`` in each of ``units`` in ``year``: indicator id → org
    unit id → value; figures without a value left out."""
    below: dict[int, dict[int, IndicatorValue]] = defaultdict(dict)
    for v in IndicatorValue.objects.filter(
        indicator__in=list(indicators), orgunit__in=list(units), year=year, disaggregation="total"
    ).exclude(value=None):
        below[v.indicator_id][v.orgunit_id] = v
    return below


def aggregated_totals(
    *, indicators: Iterable[Indicator], orgunit: OrgUnit, year: int
) -> QuerySet[IndicatorValue]:
    """The total values of ``indicators`` at ``orgunit`` in ``year`` that were aggregated from
    the units below (each knows how many of them reported), with their indicator."""
    return IndicatorValue.objects.filter(
        indicator__in=list(indicators),
        orgunit=orgunit,
        year=year,
        disaggregation="total",
        source="aggregated",
    ).select_related("indicator")
