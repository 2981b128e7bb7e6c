"""Load approved values, run the engine, write IndicatorValue and Assessment rows.

Two ways in:

- :func:`analytics_rebuild` recomputes everything (``lianggang analytics rebuild``);
- :func:`analytics_refresh_for_submissions` runs when an approval commits and recomputes only
  what rests on those submissions: the indicators using their data sets' elements, for their
  org units and every ancestor, in their years, and the judgements of those units from that
  year on. An ancestor's sums are taken from its children's stored figures, so the work is
  the size of one chain of units and their direct children, whatever the size of the country.

Both read and write in bulk (:mod:`.arrowdb`: COPY on PostgreSQL).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from lianggang.collection.models import DataValue, Round, Submission, SubmissionState
from lianggang.collection.selectors import datavalues_approved
from lianggang.framework.models import DataElement, Indicator, TargetOverride
from lianggang.orgunits.models import Level, OrgUnit
from lianggang.orgunits.selectors import ancestor_codes

from .arrowdb import read_arrow, replace_all, rows_table, write_arrow
from .engine.aggregate import aggregate
from .engine.assess import Judgement, Observation, Rule, SeriesError, Status, Substatus, assess
from .engine.compute import compute
from .engine.targets import effective_targets as resolve_targets
from .models import Assessment, IndicatorValue
from .rebuilds import rebuilds_complete, rebuilds_covered
from .versions import figures_changed

# Outline targets are set for counties and above; townships get figures but no judgement (their
# rates rest on a handful of events, and no plan sets a township target).
DEEPEST_JUDGED_LEVEL = Level.COUNTY

VALUES_SCHEMA = pa.schema(
    {
        "element": pa.int64(),
        "orgunit": pa.int64(),
        "year": pa.int32(),
        "disaggregation": pa.string(),
        "value": pa.float64(),
    }
)


@dataclass
class RebuildReport:
    values_read: int
    indicator_values: int
    assessments: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)

    def lap(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.phases[name] = now - started
        return now


def _approved_values(
    element_ids: Iterable[int],
    orgunit_ids: Iterable[int] | None = None,
    years: Iterable[int] | None = None,
) -> pa.Table:
    qs = datavalues_approved().filter(element_id__in=list(element_ids))
    if orgunit_ids is not None:
        qs = qs.filter(orgunit_id__in=list(orgunit_ids))
    if years is not None:
        qs = qs.filter(year__in=list(years))
    return read_arrow(
        qs.values_list("element_id", "orgunit_id", "year", "disaggregation", "value").order_by(),
        VALUES_SCHEMA,
    )


def _hierarchy_table(units: Sequence[tuple[int, int | None, bool]]) -> pa.Table:
    ids, parents, flags = zip(*units, strict=True) if units else ((), (), ())
    return pa.table(
        {
            "orgunit": pa.array(ids, pa.int64()),
            "parent": pa.array(parents, pa.int64()),
            "aggregate": pa.array(flags, pa.bool_()),
        }
    )


def _indicators_table(indicators: list[Indicator]) -> pa.Table:
    return pa.table(
        {
            "indicator": pa.array([i.pk for i in indicators], pa.int64()),
            "numerator": pa.array([i.numerator_id for i in indicators], pa.int64()),
            "denominator": pa.array([i.denominator_id for i in indicators], pa.int64()),
            "aggregation": [i.numerator.aggregation for i in indicators],
            "factor": pa.array([float(i.factor) for i in indicators], pa.float64()),
            "kind": [i.kind for i in indicators],
        }
    )


def effective_targets(
    indicators: list[Indicator], units: list[OrgUnit]
) -> dict[tuple[int, int], float | None]:
    """Return the target value per (indicator id, org unit id): its own or nearest ancestor's."""
    overrides = {
        (o.indicator_id, o.orgunit_id): o.target_value
        for o in TargetOverride.objects.filter(indicator__in=indicators)
    }
    parents = {u.pk: u.parent_id for u in _with_ancestors(units)}
    return resolve_targets(
        parents, {i.pk: i.target_value for i in indicators}, overrides, [u.pk for u in units]
    )


def rule_for(indicator: Indicator, target: float | None) -> Rule:
    return Rule(
        direction=indicator.direction,
        target=target,
        target_year=indicator.target_year,
        baseline_year=indicator.baseline_year,
        scale=indicator.scale,
        kind=indicator.kind,
        factor=indicator.factor,
        target_change=indicator.target_change,
        tolerance=indicator.tolerance,
        decimals=indicator.decimals,
        unit=indicator.unit,
    )


def _nan_to_none(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def _indicators(*filters: Q) -> list[Indicator]:
    return list(
        Indicator.objects.filter(*filters)
        .select_related("numerator", "target__area__outline")
        .order_by("pk")
    )


def _elements_of(indicators: list[Indicator]) -> set[int]:
    return {i.numerator_id for i in indicators} | {
        i.denominator_id for i in indicators if i.denominator_id
    }


def _figure_rows(computed: pa.Table) -> pa.Table:
    """The engine's output as IndicatorValue columns."""
    n_children = pc.fill_null(computed.column("n_children"), 0)
    return pa.table(
        {
            "indicator_id": computed.column("indicator"),
            "orgunit_id": computed.column("orgunit"),
            "year": computed.column("year"),
            "disaggregation": computed.column("disaggregation"),
            "value": computed.column("value"),
            "numerator": computed.column("numerator"),
            "denominator": computed.column("denominator"),
            "ci_low": computed.column("ci_low"),
            "ci_high": computed.column("ci_high"),
            "unstable": computed.column("unstable"),
            "source": computed.column("source"),
            "n_reporting": computed.column("n_reporting"),
            "n_children": n_children,
            "denominator_coverage": computed.column("denominator_coverage"),
        }
    )


def last_data_year() -> int | None:
    """The latest year with approved data: the year every unit is judged as of."""
    return _last_year()


def _last_year() -> int | None:
    """The latest year with approved data, round by round from the newest (a few index probes,
    where an aggregate over the values would read every one of them)."""
    has_values = Exists(DataValue.objects.filter(submission=OuterRef("pk")))
    approved = Submission.objects.filter(state=SubmissionState.APPROVED).filter(has_values)
    for round_id, year in Round.objects.order_by("-year").values_list("pk", "year"):
        if approved.filter(round_id=round_id).exists():
            return year
    return None


# One key for every writer of the figures (an arbitrary constant: "LGAN").
FIGURES_LOCK = 0x4C47414E


def _one_writer_at_a_time() -> None:
    """Make the figures' writers of this database take turns, within their transaction.

    Two approvals committing together each refresh the chain up to the prefecture: run side by
    side, both would delete the shared ancestors' figures and both insert them again (one
    failing on the unique key), or the later reader could write figures missing the other's
    approval. On PostgreSQL a transaction-scoped advisory lock queues them; the next refresh
    reads after the previous one committed. SQLite lets one writer at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FIGURES_LOCK])


# A rebuild's steps, in order, as its progress names them (rebuilds.py shows them).
REBUILD_STEPS = ("read", "aggregate", "write", "judge")

# progress(step, done, total): a step begins (done 0), or ``done`` of its ``total`` are done.
Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


@transaction.atomic
def analytics_rebuild(*, judge: bool = True, progress: Progress | None = None) -> RebuildReport:
    """Recompute every indicator value and judgement from approved data.

    ``judge=False`` recomputes the figures only and leaves the judgements as they are (the
    national benchmark times the two apart). ``progress`` is told each step of
    :data:`REBUILD_STEPS` as it begins and, while judging, how many indicators are done.
    The background rebuilds queued before it began (framework edits, :mod:`.rebuilds`) are
    complete when it commits.
    """
    _one_writer_at_a_time()
    tell = progress or _no_progress
    covered = rebuilds_covered()
    started = t = time.perf_counter()
    report = RebuildReport(0, 0, 0, 0.0)
    tell("read", 0, 0)
    indicators = _indicators()
    units = list(OrgUnit.objects.values_list("pk", "parent_id", "aggregated"))
    values = _approved_values(_elements_of(indicators))
    t = report.lap("read", t)
    tell("aggregate", 0, 0)
    ind_table = _indicators_table(indicators)
    computed = compute(aggregate(values, _hierarchy_table(units), ind_table), ind_table)
    t = report.lap("aggregate", t)
    tell("write", 0, 0)
    report.indicator_values = replace_all(IndicatorValue, _figure_rows(computed))
    t = report.lap("write figures", t)
    if judge:
        tell("judge", 0, len(indicators))
        judged = list(OrgUnit.objects.filter(level__lte=DEEPEST_JUDGED_LEVEL))
        series = _series_from_table(computed, {u.pk for u in judged})
        table = _judgements(indicators, judged, series, None, _last_year(), tell=tell)
        report.assessments = replace_all(Assessment, table)
        report.lap("judge", t)
    report.values_read = values.num_rows
    figures_changed()
    # After the commit, not within: an edit queuing a rebuild meanwhile must not wait for us.
    transaction.on_commit(lambda: rebuilds_complete(covered))
    report.seconds = time.perf_counter() - started
    return report


def analytics_refresh_for_submissions(submission_ids: list[int]) -> RebuildReport:
    """Refresh the figures that rest on these submissions (called when an approval commits)."""
    subs = list(
        Submission.objects.filter(pk__in=submission_ids).values_list("orgunit_id", "round__year")
    )
    elements = set(
        DataElement.objects.filter(data_sets__submissions__in=submission_ids).values_list(
            "pk", flat=True
        )
    )
    return analytics_refresh(
        element_ids=elements,
        orgunit_ids={s[0] for s in subs},
        years={s[1] for s in subs},
    )


@transaction.atomic
def analytics_refresh(
    *, element_ids: set[int], orgunit_ids: set[int], years: set[int]
) -> RebuildReport:
    """Recompute what rests on these elements' values at these units in these years.

    The units and all their ancestors are recomputed bottom-up; every other unit a sum needs
    (a direct child of one of them) enters with its stored numerator and denominator.
    """
    _one_writer_at_a_time()
    started = t = time.perf_counter()
    report = RebuildReport(0, 0, 0, 0.0)
    indicators = _indicators(Q(numerator_id__in=element_ids) | Q(denominator_id__in=element_ids))
    if not indicators or not orgunit_ids or not years:
        report.seconds = time.perf_counter() - started
        return report
    paths = OrgUnit.objects.filter(pk__in=orgunit_ids).values_list("path", flat=True)
    codes = {c for path in paths for c in path.strip("/").split("/")}
    chain = list(OrgUnit.objects.filter(code__in=codes))
    chain_ids = {u.pk for u in chain}
    others: list[tuple[int, int | None, bool]] = list(
        OrgUnit.objects.filter(parent_id__in=chain_ids)
        .exclude(pk__in=chain_ids)
        .values_list("pk", "parent_id", "aggregated")
    )
    hierarchy = _hierarchy_table([*((u.pk, u.parent_id, u.aggregated) for u in chain), *others])
    values = _chain_inputs(indicators, chain_ids, [o[0] for o in others], years)
    report.values_read = values.num_rows
    ind_table = _indicators_table(indicators)
    keyed = ind_table.set_column(
        1, "numerator", pa.array([f"{i.pk}/n" for i in indicators], pa.string())
    ).set_column(
        2,
        "denominator",
        pa.array([f"{i.pk}/d" if i.denominator_id else None for i in indicators], pa.string()),
    )
    computed = compute(aggregate(values, hierarchy, keyed), ind_table)
    chain_ids_array = pa.array(list(chain_ids), pa.int64())
    computed = computed.filter(pc.is_in(computed.column("orgunit"), chain_ids_array))
    t = report.lap("aggregate", t)
    IndicatorValue.objects.filter(
        indicator__in=indicators, orgunit_id__in=chain_ids, year__in=years
    ).delete()
    report.indicator_values = write_arrow(IndicatorValue, _figure_rows(computed))
    t = report.lap("write figures", t)

    report.assessments = _rejudge(indicators, chain, years)
    report.lap("judge", t)
    figures_changed()
    report.seconds = time.perf_counter() - started
    return report


def _rejudge(indicators: list[Indicator], chain: list[OrgUnit], years: set[int]) -> int:
    """Judge the chain again from the refreshed years on; follow the latest year if it moved."""
    last_year = _last_year()
    if last_year is None or last_year < max(years):
        # An approval withdrawn from the newest year: no judgement as of a year without data.
        Assessment.objects.filter(year__gt=last_year or 0).delete()
    if last_year is None:
        return 0
    written = 0
    if last_year in years and not Assessment.objects.filter(year=last_year).exists():
        # The first approval of a new year: every unit gets its judgement as of that year.
        everyone = list(OrgUnit.objects.filter(level__lte=DEEPEST_JUDGED_LEVEL))
        all_indicators = _indicators()
        series = _series_from_db(all_indicators, [u.pk for u in everyone])
        written += _judge(all_indicators, everyone, series, last_year, last_year)
    judged = [u for u in chain if u.level <= DEEPEST_JUDGED_LEVEL]
    if judged:
        series = _series_from_db(indicators, [u.pk for u in judged])
        written += _judge(indicators, judged, series, min(years), last_year)
    return written


def _chain_inputs(
    indicators: list[Indicator], chain_ids: set[int], other_ids: list[int], years: set[int]
) -> pa.Table:
    """The engine's input for a chain, keyed by indicator: ``<id>/n`` and ``<id>/d``.

    Chain units bring their own reported values; the other children of chain units enter as
    leaves with their stored numerator and denominator, or, without a figure, with the
    denominator they reported (the coverage above counts it).
    """
    uses: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for indicator in indicators:
        uses[indicator.numerator_id].append((indicator.pk, "n"))
        if indicator.denominator_id:
            uses[indicator.denominator_id].append((indicator.pk, "d"))
    rows: list[tuple[str, int, int, str, float]] = [
        (f"{ind}/{role}", v["orgunit"], v["year"], v["disaggregation"], v["value"])
        for v in _approved_values(uses.keys(), chain_ids, years).to_pylist()
        for ind, role in uses[v["element"]]
    ]
    figured: set[tuple[str, int, int, str]] = set()
    for ind, unit, year, dis, num, den in IndicatorValue.objects.filter(
        indicator__in=indicators, orgunit_id__in=other_ids, year__in=years
    ).values_list(
        "indicator_id", "orgunit_id", "year", "disaggregation", "numerator", "denominator"
    ):
        figured.add((f"{ind}/d", unit, year, dis))
        if num is not None:
            rows.append((f"{ind}/n", unit, year, dis, num))
        if den is not None:
            rows.append((f"{ind}/d", unit, year, dis, den))
    denominators = {i.denominator_id for i in indicators if i.denominator_id}
    for v in _approved_values(denominators, other_ids, years).to_pylist():
        for ind, role in uses[v["element"]]:
            key = (f"{ind}/{role}", v["orgunit"], v["year"], v["disaggregation"])
            if role == "d" and key not in figured:
                rows.append((*key, v["value"]))
    return rows_table(rows, VALUES_SCHEMA.set(0, pa.field("element", pa.string())))


Series = dict[tuple[int, int], list[Observation]]


def _series_from_table(computed: pa.Table, unit_ids: set[int]) -> Series:
    mask = pc.and_(
        pc.equal(computed.column("disaggregation"), "total"),
        pc.is_in(computed.column("orgunit"), pa.array(list(unit_ids), pa.int64())),
    )
    part = computed.filter(mask).select(
        ["indicator", "orgunit", "year", "value", "numerator", "denominator"]
    )
    return _series(zip(*(c.to_pylist() for c in part.columns), strict=True))


def _series_from_db(indicators: list[Indicator], unit_ids: list[int]) -> Series:
    return _series(
        IndicatorValue.objects.filter(
            indicator__in=indicators, orgunit_id__in=unit_ids, disaggregation="total"
        ).values_list("indicator_id", "orgunit_id", "year", "value", "numerator", "denominator")
    )


def _series(
    rows: Iterable[tuple[int, int, int, float | None, float | None, float | None]],
) -> Series:
    series: Series = defaultdict(list)
    for ind, unit, year, value, num, den in rows:
        if num is None:
            continue  # a denominator alone: no observation
        series[ind, unit].append(Observation(year, _nan_to_none(value), num, den))
    for obs in series.values():
        obs.sort(key=lambda o: o.year)
    return series


_FLOAT = pa.float64()
_INT = pa.int32()
ASSESSMENT_SCHEMA = pa.schema(
    {
        "indicator_id": pa.int64(),
        "orgunit_id": pa.int64(),
        "year": _INT,
        "status": pa.string(),
        "substatus": pa.string(),
        "target_value": _FLOAT,
        "target_year": _INT,
        "latest_year": _FLOAT,
        "latest_value": _FLOAT,
        "ci_low": _FLOAT,
        "ci_high": _FLOAT,
        "pooled_years": _INT,
        "period_start": _INT,
        "period_end": _INT,
        "single_year": _INT,
        "single_value": _FLOAT,
        "baseline_value": _FLOAT,
        "slope": _FLOAT,
        "p_value": _FLOAT,
        "projected_value": _FLOAT,
        "projected_low": _FLOAT,
        "projected_high": _FLOAT,
        "chance_of_meeting": _FLOAT,
        "year_met": _INT,
        "met_beyond_horizon": pa.bool_(),
        "pace": _FLOAT,
        "required_pace": _FLOAT,
        "pace_ratio": _FLOAT,
        "share_of_way": _FLOAT,
        "share_of_time": _FLOAT,
    }
)


def _judge(
    indicators: list[Indicator],
    units: list[OrgUnit],
    series: Series,
    from_year: int,
    last_year: int,
) -> int:
    """Replace the judgements of these indicators × units as of ``from_year`` and later."""
    Assessment.objects.filter(
        indicator__in=indicators, orgunit__in=units, year__gte=from_year
    ).delete()
    return write_arrow(Assessment, _judgements(indicators, units, series, from_year, last_year))


def _judgements(
    indicators: list[Indicator],
    units: list[OrgUnit],
    series: Series,
    from_year: int | None,
    last_year: int | None,
    *,
    tell: Progress = _no_progress,
) -> pa.Table:
    """Judge every indicator × unit as of each year of its outline up to ``last_year``
    (``tell``: how many indicators are done)."""
    rows: list[tuple[object, ...]] = []
    if last_year is None:
        return rows_table(rows, ASSESSMENT_SCHEMA)
    targets = effective_targets(indicators, units)
    for n, ind in enumerate(indicators):
        if n % 25 == 0:
            tell("judge", n, len(indicators))
        outline = ind.target.area.outline
        first = max(outline.start_year, from_year or outline.start_year)
        years = range(first, min(outline.end_year, last_year) + 1)
        if not years:
            continue
        for unit in units:
            obs = series.get((ind.pk, unit.pk), [])
            if not obs and not unit.aggregated:
                continue  # a unit outside the monitored tree: no judgement at all
            rule = rule_for(ind, targets[ind.pk, unit.pk])
            if rule.kind == "count":
                # A rate without its population is no observation of a count (规范 3c).
                obs = [o for o in obs if o.denominator]
            for year in years:
                try:
                    j = assess(obs, rule, as_of=year)
                except SeriesError as exc:
                    # Never clamped or guessed: the judgement says the data are invalid.
                    j = Judgement(Status.INSUFFICIENT_DATA, Substatus.INVALID_DATA)
                    j.notes.append(str(exc))
                rows.append(
                    (
                        ind.pk,
                        unit.pk,
                        year,
                        j.status.value,
                        j.substatus.value,
                        j.target,
                        rule.target_year,
                        j.latest_year,
                        j.latest_value,
                        j.ci_low,
                        j.ci_high,
                        j.pooled_years,
                        j.period_start,
                        j.period_end,
                        j.single_year,
                        j.single_value,
                        j.baseline_value,
                        j.slope,
                        j.p_value,
                        j.projected_value,
                        j.projected_low,
                        j.projected_high,
                        j.chance_of_meeting,
                        j.year_met,
                        j.met_beyond_horizon,
                        j.pace,
                        j.required_pace,
                        j.pace_ratio,
                        j.share_of_way,
                        j.share_of_time,
                    )
                )
    return rows_table(rows, ASSESSMENT_SCHEMA)


def _with_ancestors(units: list[OrgUnit]) -> list[OrgUnit]:
    codes = {c for u in units for c in ancestor_codes(u.path)}
    have = {u.code for u in units}
    return units + list(OrgUnit.objects.filter(code__in=codes - have))
