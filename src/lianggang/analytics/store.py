"""Load approved values, run the engine, write IndicatorValue and Assessment rows."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa
from django.db import transaction
from django.db.models import Q, QuerySet

from lianggang.collection.selectors import datavalues_approved
from lianggang.framework.models import DataElement, Indicator, TargetOverride
from lianggang.orgunits.models import OrgUnit

from .engine.aggregate import aggregate
from .engine.assess import Observation, Rule, assess
from .engine.compute import compute
from .models import Assessment, IndicatorValue


@dataclass
class RebuildReport:
    values_read: int
    indicator_values: int
    assessments: int
    seconds: float


def _approved_values_table(element_codes: set[str] | None = None) -> pa.Table:
    qs = datavalues_approved()
    if element_codes is not None:
        qs = qs.filter(element__code__in=element_codes)
    rows = qs.values_list("element__code", "orgunit__code", "year", "disaggregation", "value")
    cols: tuple[list[object], ...] = ([], [], [], [], [])
    for row in rows.iterator(chunk_size=5000):
        for col, v in zip(cols, row, strict=True):
            col.append(v)
    return pa.table(
        {
            "element": pa.array(cols[0], pa.string()),
            "orgunit": pa.array(cols[1], pa.string()),
            "year": pa.array(cols[2], pa.int32()),
            "disaggregation": pa.array(cols[3], pa.string()),
            "value": pa.array(cols[4], pa.float64()),
        }
    )


def _hierarchy_table(units: list[OrgUnit]) -> pa.Table:
    by_id = {u.pk: u.code for u in units}
    return pa.table(
        {
            "orgunit": pa.array([u.code for u in units], pa.string()),
            "parent": pa.array(
                [by_id[u.parent_id] if u.parent_id else None for u in units], pa.string()
            ),
            "aggregate": pa.array([u.aggregated for u in units], pa.bool_()),
        }
    )


def _indicators_table(indicators: list[Indicator]) -> pa.Table:
    return pa.table(
        {
            "indicator": [i.code for i in indicators],
            "numerator": [i.numerator.code for i in indicators],
            "denominator": pa.array(
                [i.denominator.code if i.denominator else None for i in indicators], pa.string()
            ),
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
        (o.indicator_id, o.orgunit_id): o.target_value for o in TargetOverride.objects.all()
    }
    by_code = {u.code: u for u in units}
    result: dict[tuple[int, int], float | None] = {}
    for unit in units:
        chain = [by_code[c] for c in reversed(unit.path.strip("/").split("/")) if c in by_code]
        for ind in indicators:
            value = ind.target_value
            for anc in chain:
                if (ind.pk, anc.pk) in overrides:
                    value = overrides[ind.pk, anc.pk]
                    break
            result[ind.pk, unit.pk] = value
    return result


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
        percent=indicator.unit == "%",
    )


def _nan_to_none(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def analytics_rebuild() -> RebuildReport:
    """Recompute every indicator value and judgement from approved data."""
    return _recompute(Indicator.objects.all())


def analytics_refresh(*, element_codes: set[str]) -> RebuildReport:
    """Recompute the indicators that use any of these data elements, and only those."""
    return _recompute(
        Indicator.objects.filter(
            Q(numerator__code__in=element_codes) | Q(denominator__code__in=element_codes)
        )
    )


def analytics_refresh_for_submissions(submission_ids: list[int]) -> RebuildReport:
    """Refresh the figures that rest on these submissions' data sets (called on commit)."""
    codes = set(
        DataElement.objects.filter(data_sets__submissions__in=submission_ids).values_list(
            "code", flat=True
        )
    )
    return analytics_refresh(element_codes=codes)


@transaction.atomic
def _recompute(indicator_qs: QuerySet[Indicator]) -> RebuildReport:
    started = time.perf_counter()
    units = list(OrgUnit.objects.all())
    indicators = list(
        indicator_qs.select_related("numerator", "denominator", "target__area__outline")
    )
    elements = {i.numerator.code for i in indicators} | {
        i.denominator.code for i in indicators if i.denominator
    }
    values = _approved_values_table(elements)
    computed = compute(
        aggregate(values, _hierarchy_table(units), _indicators_table(indicators)),
        _indicators_table(indicators),
    )
    unit_by_code = {u.code: u for u in units}
    ind_by_code = {i.code: i for i in indicators}

    IndicatorValue.objects.filter(indicator__in=indicators).delete()
    rows = computed.to_pylist()
    IndicatorValue.objects.bulk_create(
        (
            IndicatorValue(
                indicator=ind_by_code[r["indicator"]],
                orgunit=unit_by_code[r["orgunit"]],
                year=r["year"],
                disaggregation=r["disaggregation"],
                value=_nan_to_none(r["value"]),
                numerator=r["numerator"],
                denominator=r["denominator"],
                ci_low=r["ci_low"],
                ci_high=r["ci_high"],
                unstable=bool(r["unstable"]),
                source=r["source"],
                n_reporting=r["n_reporting"],
                n_children=r["n_children"] or 0,
                denominator_coverage=r["denominator_coverage"],
            )
            for r in rows
        ),
        batch_size=2000,
    )

    series: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for r in rows:
        if r["disaggregation"] == "total":
            series[r["indicator"], r["orgunit"]].append(
                Observation(r["year"], _nan_to_none(r["value"]), r["numerator"], r["denominator"])
            )
    last_year = datavalues_approved().order_by("-year").values_list("year", flat=True).first()
    targets = effective_targets(indicators, units)
    assessments = []
    if last_year is not None:
        for ind in indicators:
            outline = ind.target.area.outline
            years = range(outline.start_year, min(outline.end_year, last_year) + 1)
            for unit in units:
                obs = series.get((ind.code, unit.code), [])
                if not obs and not unit.aggregated:
                    continue  # a unit outside the monitored tree: no judgement at all
                rule = rule_for(ind, targets[ind.pk, unit.pk])
                for year in years:
                    j = assess(obs, rule, as_of=year)
                    assessments.append(
                        Assessment(
                            indicator=ind,
                            orgunit=unit,
                            year=year,
                            status=j.status.value,
                            substatus=j.substatus.value,
                            target_value=j.target,
                            target_year=rule.target_year,
                            latest_year=j.latest_year,
                            latest_value=j.latest_value,
                            ci_low=j.ci_low,
                            ci_high=j.ci_high,
                            pooled_years=j.pooled_years,
                            baseline_value=j.baseline_value,
                            slope=j.slope,
                            p_value=j.p_value,
                            projected_value=j.projected_value,
                            year_met=j.year_met,
                            met_beyond_horizon=j.met_beyond_horizon,
                            pace=j.pace,
                            required_pace=j.required_pace,
                            pace_ratio=j.pace_ratio,
                            share_of_way=j.share_of_way,
                            share_of_time=j.share_of_time,
                        )
                    )
    Assessment.objects.filter(indicator__in=indicators).delete()
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    return RebuildReport(
        values_read=values.num_rows,
        indicator_values=len(rows),
        assessments=len(assessments),
        seconds=time.perf_counter() - started,
    )
