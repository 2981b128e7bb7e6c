"""Mid-term and final evaluations of an outline (docs/methodology.md §四), from the stored
judgements.

For an outline, an org unit and an evaluation year: every indicator's baseline, latest and target
values and its status; the scorecard (达标率) overall, per area and per responsible department;
the monitorable targets not met, by department; and the same scorecard for each unit directly
below, ranked. The counting is :mod:`.engine.scorecard`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import IO, Any

import pyarrow as pa
from django.utils.translation import gettext as _

from lianggang.framework.models import Area, Indicator, Outline
from lianggang.framework.naming import local_name
from lianggang.orgunits.models import Department, OrgUnit

from .engine.scorecard import evaluate
from .exports import write_csv
from .models import Assessment, Status
from .selectors import judged_children, outline_indicators

MID, FINAL = "mid", "final"


@dataclass(frozen=True)
class Card:
    """One scorecard: counts over the targets, the rates, and a rank among siblings."""

    indicators: int
    monitorable: int
    achieved: int
    on_track: int
    off_track: int
    regressing: int
    insufficient_data: int
    no_data: int
    trend_only: int
    trend_monitorable: int
    trend_improving: int
    trend_deteriorating: int
    achievement_rate: float | None
    achievement_rate_with_directional: float | None
    on_course_rate: float | None
    rate: float | None
    rank: int | None = None
    ranked_among: int | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Card:
        return cls(**{f: row[f] for f in cls.__dataclass_fields__})


@dataclass
class Line:
    """An indicator and its judgement as of the evaluation year (None: never judged)."""

    indicator: Indicator
    assessment: Assessment | None

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else "NO_DATA"


@dataclass
class Evaluation:
    outline: Outline
    orgunit: OrgUnit
    year: int  # the year asked for
    as_of: int | None  # the year of the judgements used (the latest up to ``year``)
    stage: str
    overall: Card
    areas: list[tuple[Area, Card]]
    departments: list[tuple[Department, Card]]
    lines: list[Line]
    gaps: list[tuple[Department, list[Line]]]
    units: list[tuple[OrgUnit, Card]] = field(default_factory=list)  # ranked, best first


def evaluation_year(outline: Outline, stage: str) -> int:
    """The year an evaluation is as of: the target year, or the period's middle (2025 for
    2021–2030, 2015 for 2011–2020)."""
    return outline.end_year if stage == FINAL else (outline.start_year + outline.end_year) // 2


def evaluation(
    *, outline: Outline, orgunit: OrgUnit, year: int | None = None, stage: str | None = None
) -> Evaluation:
    """The evaluation of ``outline`` at ``orgunit`` (module doc).

    Without ``stage``: final from the target year on, mid-term before. Without ``year``: the
    stage's year. Judgements are taken as of the latest year up to ``year`` that has them (data
    lag a year or two behind an evaluation).
    """
    if stage is None:
        stage = FINAL if year is not None and year >= outline.end_year else MID
    if stage not in (MID, FINAL):
        raise ValueError(f"stage must be {MID!r} or {FINAL!r}, not {stage!r}")
    if year is None:
        year = evaluation_year(outline, stage)
    indicators = list(outline_indicators(outline).select_related("target__area"))
    as_of = (
        Assessment.objects.filter(indicator__in=indicators, orgunit=orgunit, year__lte=year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    children = judged_children(orgunit)
    units = [orgunit, *children]
    judged = {
        (a.indicator_id, a.orgunit_id): a
        for a in Assessment.objects.filter(
            indicator__in=indicators, orgunit__in=units, year=as_of or 0
        )
    }
    responsible = list(
        Indicator.departments.through.objects.filter(indicator__in=indicators).values_list(
            "indicator_id", "department_id"
        )
    )
    tables = (
        pa.table(
            {
                "indicator": pa.array([k[0] for k in judged], pa.int64()),
                "orgunit": pa.array([k[1] for k in judged], pa.int64()),
                "status": pa.array([a.status for a in judged.values()], pa.string()),
                "substatus": pa.array([a.substatus for a in judged.values()], pa.string()),
            }
        ),
        pa.table(
            {
                "indicator": pa.array([i.pk for i in indicators], pa.int64()),
                "area": pa.array([i.target.area_id for i in indicators], pa.int64()),
                "numeric_target": pa.array([i.has_numeric_target for i in indicators]),
            }
        ),
        pa.table(
            {
                "indicator": pa.array([r[0] for r in responsible], pa.int64()),
                "department": pa.array([r[1] for r in responsible], pa.int64()),
            }
        ),
        pa.table(
            {
                # The unit itself stands alone (parent 0); its children are ranked together.
                "orgunit": pa.array([u.pk for u in units], pa.int64()),
                "parent": pa.array([0] + [orgunit.pk] * len(children), pa.int64()),
            }
        ),
    )
    card_table, gap_table = evaluate(*tables, stage=stage)
    cards = {(r["orgunit"], r["by"], r["key"]): Card.from_row(r) for r in card_table.to_pylist()}
    areas = {i.target.area_id: i.target.area for i in indicators}
    departments = {d.pk: d for d in Department.objects.filter(pk__in={r[1] for r in responsible})}
    by_indicator = {i.pk: i for i in indicators}
    gap_lines: dict[int, list[Line]] = {}
    for g in gap_table.to_pylist():
        if g["orgunit"] == orgunit.pk:
            gap_lines.setdefault(g["department"], []).append(
                Line(by_indicator[g["indicator"]], judged.get((g["indicator"], orgunit.pk)))
            )
    own = replace(cards[orgunit.pk, "overall", None], rank=None, ranked_among=None)
    in_order = sorted(departments.values(), key=lambda d: (d.sort_order, d.code))
    ranked = sorted(
        ((c, cards[c.pk, "overall", None]) for c in children),
        key=lambda uc: (uc[1].rank is None, uc[1].rank or 0),
    )
    return Evaluation(
        outline=outline,
        orgunit=orgunit,
        year=year,
        as_of=as_of,
        stage=stage,
        overall=own,
        areas=[(a, cards[orgunit.pk, "area", str(pk)]) for pk, a in areas.items()],
        departments=[(d, cards[orgunit.pk, "department", str(d.pk)]) for d in in_order],
        lines=[Line(i, judged.get((i.pk, orgunit.pk))) for i in indicators],
        gaps=[(d, gap_lines[d.pk]) for d in in_order if d.pk in gap_lines],
        units=ranked,
    )


# Output for the command line (the reports render the same Evaluation in their own way).


def gap_list(lines: list[Line], separator: str) -> str:
    """Unmet targets as the text and reports list them: "指标（进展偏慢）、指标（出现倒退）"."""
    return separator.join(
        _("%(indicator)s (%(status)s)")
        % {"indicator": local_name(line.indicator), "status": Status(line.status).label}
        for line in lines
    )


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def headline(card: Card, stage: str) -> str:
    if card.monitorable == 0:
        return _("No target can be monitored yet.")
    if stage == MID:
        return _(
            "Of %(n)d monitorable targets, %(a)d are achieved and %(o)d on track: "
            "%(rate)s on course."
        ) % {
            "n": card.monitorable,
            "a": card.achieved,
            "o": card.on_track,
            "rate": percent(card.rate),
        }
    text = _("Of %(n)d monitorable targets, %(a)d are achieved: achievement rate %(rate)s.") % {
        "n": card.monitorable,
        "a": card.achieved,
        "rate": percent(card.rate),
    }
    if card.trend_monitorable:
        text += _(
            " Counting also the %(d)d directional targets (without a number), of which %(i)d "
            "improved, as the national final report does: %(rate)s."
        ) % {
            "d": card.trend_monitorable,
            "i": card.trend_improving,
            "rate": percent(card.achievement_rate_with_directional),
        }
    return text


def evaluation_text(ev: Evaluation, out: IO[str], note: str = "") -> None:
    """The evaluation as plain text: the headline, areas, departments' gaps, ranked units."""
    title = _("Mid-term evaluation") if ev.stage == MID else _("Final evaluation")
    out.write(f"{local_name(ev.outline)} · {title} · {local_name(ev.orgunit)}\n")
    out.write(
        (_("Judgements as of %(year)d.") % {"year": ev.as_of}) if ev.as_of else _("No judgements.")
    )
    out.write("\n")
    if note:
        out.write(f"{note}\n")
    out.write(f"\n{headline(ev.overall, ev.stage)}\n")
    rate_label = _("on course") if ev.stage == MID else _("achievement rate")
    out.write("\n" + _("By area") + "\n")
    for area, card in ev.areas:
        counts = _(
            "achieved %(a)d, on track %(o)d, off track %(f)d, regressing %(r)d, monitorable %(n)d"
        ) % {
            "a": card.achieved,
            "o": card.on_track,
            "f": card.off_track,
            "r": card.regressing,
            "n": card.monitorable,
        }
        line = _("%(area)s: %(counts)s; %(label)s %(rate)s") % {
            "area": local_name(area),
            "counts": counts,
            "label": rate_label,
            "rate": percent(card.rate),
        }
        out.write(f"  {line}\n")
    out.write("\n" + _("Targets not met, by responsible department") + "\n")
    if not ev.gaps:
        out.write("  " + _("none") + "\n")
    for department, lines in ev.gaps:
        items = gap_list(lines, _("; "))
        out.write(
            "  "
            + _("%(department)s: %(items)s")
            % {"department": local_name(department), "items": items}
            + "\n"
        )
    if ev.units:
        out.write("\n" + _("Units below, ranked") + "\n")
        for unit, card in ev.units:
            rank = "—" if card.rank is None else str(card.rank)
            share = _("achieved %(a)d of %(n)d") % {"a": card.achieved, "n": card.monitorable}
            out.write(
                f"  {rank:>3}  {local_name(unit)}  {rate_label} {percent(card.rate)} ({share})\n"
            )


CSV_COLUMNS = (
    "orgunit",
    "orgunit_name",
    "by",
    "key",
    "key_name",
    *(f for f in Card.__dataclass_fields__),
    "stage",
    "as_of",
)


def evaluation_csv(ev: Evaluation, out: IO[str], note: str = "") -> None:
    """Every scorecard of the evaluation, one row each (the unit's own, then the units below)."""
    rows: list[list[Any]] = []

    def add(unit: OrgUnit, by: str, key: Any, card: Card) -> None:
        code = "" if key is None else getattr(key, "code", "")
        name = "" if key is None else local_name(key)
        values = [getattr(card, f) for f in Card.__dataclass_fields__]
        rows.append([unit.code, local_name(unit), by, code, name, *values, ev.stage, ev.as_of])

    add(ev.orgunit, "overall", None, ev.overall)
    for area, card in ev.areas:
        add(ev.orgunit, "area", area, card)
    for department, card in ev.departments:
        add(ev.orgunit, "department", department, card)
    for unit, card in ev.units:
        add(unit, "overall", None, card)
    write_csv(CSV_COLUMNS, rows, out, note)
