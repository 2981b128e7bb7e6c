"""Reads of derived figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from lianggang.collection.models import DataValue, Submission, SubmissionState
from lianggang.framework.models import (
    Area,
    DisaggregationOption,
    Indicator,
    Outline,
    TargetOverride,
)
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import in_subtree, orgunit_children, orgunit_descendants

from .models import Assessment, IndicatorValue, YearSettings
from .status import LAGGING_FIRST
from .store import DEEPEST_JUDGED_LEVEL, last_data_year


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


def latest_assessment_year(outline: Outline | None = None) -> int | None:
    """The latest year with judgements: of ``outline``'s indicators, or of any (the latest year
    with approved data, which the store judges every unit as of: a few index probes)."""
    if outline is None:
        return last_data_year()
    return (
        Assessment.objects.filter(indicator__target__area__outline=outline)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


# Complete years: which year pages and reports open on.

YEAR_SETTINGS_ROW = 1


def year_settings() -> YearSettings:
    """The officer's rule for complete years (the defaults until someone saves it)."""
    return YearSettings.objects.filter(pk=YEAR_SETTINGS_ROW).first() or YearSettings(
        pk=YEAR_SETTINGS_ROW
    )


@dataclass(frozen=True)
class YearCoverage:
    """A year with figures and how far its round is approved (``total`` 0: no round, e.g.
    figures loaded as history: nothing to wait for)."""

    year: int
    approved: int
    total: int
    complete: bool

    @property
    def label(self) -> str:
        """The year as a picker shows it: the bare year when complete, else with its coverage
        ("2026年：已审核 19/183")."""
        if self.complete:
            return str(self.year)
        return _("%(year)d: %(approved)d/%(total)d approved") % {
            "year": self.year,
            "approved": self.approved,
            "total": self.total,
        }


@dataclass(frozen=True)
class FigureYears:
    """The years a page offers, oldest first, and the year it opens on."""

    years: list[YearCoverage]
    default: int | None  # the latest complete year (the latest year if none is complete)
    percent: int  # the share of submissions approved from which a round counts as complete

    def get(self, year: int | None) -> YearCoverage | None:
        return next((y for y in self.years if y.year == year), None)

    @property
    def younger(self) -> list[YearCoverage]:
        """The years after the default one (incomplete, still being reviewed)."""
        return [y for y in self.years if self.default is not None and y.year > self.default]


def round_coverage(years: Iterable[int] | None = None) -> dict[int, tuple[int, int]]:
    """Approved and total submissions of each round (of ``years``), in one query: year →
    (approved, total)."""
    qs = Submission.objects.all()
    if years is not None:
        qs = qs.filter(round__year__in=list(years))
    rows = (
        qs.values("round__year")
        .annotate(total=Count("pk"), approved=Count("pk", filter=Q(state=SubmissionState.APPROVED)))
        .order_by()
        .values_list("round__year", "approved", "total")
    )
    return {year: (approved, total) for year, approved, total in rows}


def figure_years(outline: Outline | None = None, *, first: int | None = None) -> FigureYears:
    """The years with figures (of ``outline``, from its first year or ``first``) labelled with
    their round's coverage, and the year pages, reports and the API open on: the latest year
    whose round is complete — every submission approved, or the share the officer set
    (:class:`YearSettings`). A younger year stays selectable, labelled with its coverage. One
    rule for every page: the dashboard, unit, department, indicator, query, follow-up and
    reports pages and the API's report requests read it here."""
    percent = year_settings().complete_from_percent
    latest = latest_assessment_year(outline)
    if latest is None:
        return FigureYears([], None, percent)
    if first is None:
        first = outline.start_year if outline is not None else latest
    span = range(min(first, latest), latest + 1)
    coverage = round_coverage(span)
    years = []
    for year in span:
        approved, total = coverage.get(year, (0, 0))
        complete = total == 0 or approved * 100 >= percent * total
        years.append(YearCoverage(year, approved, total, complete))
    default = next((y.year for y in reversed(years) if y.complete), latest)
    return FigureYears(years, default, percent)


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


def _up_to(qs: QuerySet[Any], year: int | None) -> QuerySet[Any]:
    return qs if year is None else qs.filter(year__lte=year)


def indicator_series_by_unit(
    *, indicator: Indicator, units: Iterable[OrgUnit], year: int | None = None
) -> dict[int, dict[int, IndicatorValue]]:
    """The indicator's total (not split) values in each of ``units`` (up to ``year``), in one
    query: org unit id → year → value, the years in order. A unit without any value is absent."""
    by_unit: dict[int, dict[int, IndicatorValue]] = {}
    for v in _up_to(
        IndicatorValue.objects.filter(
            indicator=indicator, orgunit__in=list(units), disaggregation="total"
        ),
        year,
    ).order_by("year"):
        by_unit.setdefault(v.orgunit_id, {})[v.year] = v
    return by_unit


def indicator_breakdowns(
    *, indicator: Indicator, orgunit: OrgUnit, year: int | None = None
) -> list[IndicatorValue]:
    """The indicator's split values at ``orgunit`` (every disaggregation but the total; up to
    ``year``), by disaggregation, then year."""
    return list(
        _up_to(IndicatorValue.objects.filter(indicator=indicator, orgunit=orgunit), year)
        .exclude(disaggregation="total")
        .order_by("disaggregation", "year")
    )


def indicator_judgements(
    *, indicator: Indicator, units: Iterable[OrgUnit], year: int | None = None
) -> dict[int, Assessment]:
    """The indicator's latest judgement (up to ``year``) in each of ``units``: org unit id → its
    assessment of the latest year judged. A unit never judged is absent."""
    return {
        a.orgunit_id: a
        for a in _up_to(
            Assessment.objects.filter(indicator=indicator, orgunit__in=list(units)), year
        ).order_by("year")
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
