"""The annual statistical monitoring report (《…纲要》统计监测报告): one outline, org unit, year.

Structure, after the national statistics bureau's reports: title and issuing line; a lead
paragraph (the N areas analysed, one clause per area); a section per area ("一、妇女与健康")
with sub-items per main target ("（一）…": a one-line finding, then the data sentences and the
comparison with the target), the unit's series and the units below compared; a table of the
units below per area; the annex of every indicator; a note on data quality.

Every number in the text is in the annex: the value, the change on the previous year (the same
phrase), the splits and the target as worded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from lianggang.analytics.evaluation import MID, evaluation
from lianggang.analytics.models import SUBSTATUS_LABELS, Assessment, IndicatorValue, Status
from lianggang.analytics.selectors import (
    aggregated_totals,
    disaggregation_options,
    judged_children,
    outline_indicators,
    unit_judgements,
    unit_value_history,
    values_by_indicator_and_unit,
    values_not_yet_approved,
)
from lianggang.analytics.status import UNDER_WAY
from lianggang.framework.models import Indicator, Outline
from lianggang.framework.naming import local_name
from lianggang.orgunits.models import OrgUnit

from .document import BarsChart, Block, Document, Heading, Paragraph, SeriesChart, Table
from .phrasing import (
    Figure,
    chance_words,
    change,
    data_sentence,
    finding,
    interval,
    level,
    number,
    pooled_sentence,
    projection_sentence,
    target_sentence,
)

NUMERALS = "一二三四五六七八九十"
COLUMNS_PER_UNIT_TABLE = 4


def numeral(n: int) -> str:
    """一, 二, … 十, 十一 … in Chinese; 1, 2, … otherwise."""
    if not _chinese():
        return str(n)
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    tens, ones = divmod(n, 10)
    return NUMERALS[tens - 1] + "十" + (NUMERALS[ones - 1] if ones else "")


def _chinese() -> bool:
    return (translation.get_language() or "zh-hans").startswith("zh")


def issuing_line(orgunit: OrgUnit) -> str:
    """The offices a report of ``orgunit`` is issued by (妇儿工委办公室 and 统计局)."""
    return _(
        "Office of the %(unit)s Working Committee on Women and Children · "
        "%(unit)s Statistics Bureau"
    ) % {"unit": local_name(orgunit)}


def sentences(*parts: str | None) -> str:
    """Sentences run together as the language writes them: no space after 。, one after a stop."""
    return ("" if _chinese() else " ").join(p for p in parts if p)


def figure(indicator: Indicator) -> Figure:
    return Figure(local_name(indicator), indicator.unit, indicator.decimals, indicator.direction)


@dataclass
class _Facts:
    """What the report knows about one indicator at the unit."""

    indicator: Indicator
    current: float | None
    previous: float | None
    splits: list[tuple[str, float]]
    assessment: Assessment | None
    series: list[tuple[int, float]]
    unstable: tuple[float, float] | None  # the 95 % interval of a rate on fewer than 20 events

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else Status.NO_DATA


def build_annual(*, outline: Outline, orgunit: OrgUnit, year: int, demo_note: str = "") -> Document:
    indicators = list(outline_indicators(outline).select_related("target__area"))
    facts = _facts(indicators, orgunit, year)
    children = judged_children(orgunit)
    below = values_by_indicator_and_unit(indicators=indicators, units=children, year=year)
    short = _("Outline")
    # The demo label is the document's own (a banner and a page header in every format).
    blocks: list[Block] = [Paragraph(_lead(outline, orgunit, year, short), "lead")]

    by_area: dict[int, list[_Facts]] = defaultdict(list)
    for f in facts:
        by_area[f.indicator.target.area_id].append(f)
    areas = sorted({f.indicator.target.area for f in facts}, key=lambda a: a.number)
    tables = 0
    for i, area in enumerate(areas, start=1):
        blocks.append(
            Heading(_("%(n)s. %(area)s") % {"n": numeral(i), "area": local_name(area)}, 1)
        )
        with_data = [f for f in by_area[area.pk] if f.current is not None]
        by_target: dict[int, list[_Facts]] = defaultdict(list)
        for f in with_data:
            by_target[f.indicator.target_id].append(f)
        for j, group in enumerate(by_target.values(), start=1):
            head = group[0]
            line = finding(
                figure(head.indicator),
                head.status,
                head.previous,
                head.current,
                head.assessment.substatus if head.assessment else "",
            )
            blocks.append(Heading(_("(%(n)s) %(finding)s") % {"n": numeral(j), "finding": line}, 2))
            for f in group:
                blocks.append(Paragraph(_indicator_text(f, year, short)))
            blocks.extend(_charts(head, below, children))
        missing = [f for f in by_area[area.pk] if f.current is None]
        if missing:
            names = _("、").join(local_name(f.indicator) for f in missing)
            blocks.append(
                Paragraph(
                    _("No %(year)d data yet for: %(names)s.") % {"year": year, "names": names},
                    "note",
                )
            )
        for table in _unit_tables(area, with_data, below, children, year):
            tables += 1
            table.title = _("Table %(n)d. %(title)s") % {"n": tables, "title": table.title}
            blocks.append(table)

    blocks.append(Heading(_("Annex: every monitoring indicator in %(year)d") % {"year": year}, 1))
    blocks.append(_annex(facts, year))
    blocks.append(Heading(_("Note on data quality"), 1))
    blocks.extend(_quality(facts, orgunit, year, demo_note))
    title = _("%(year)d %(unit)s statistical monitoring report on the “%(outline)s”") % {
        "year": year,
        "unit": local_name(orgunit),
        "outline": local_name(outline),
    }
    return Document(
        title=title,
        issuer=issuing_line(orgunit),
        blocks=blocks,
        demo_note=demo_note,
        language=translation.get_language() or "zh-hans",
    )


def _facts(indicators: list[Indicator], orgunit: OrgUnit, year: int) -> list[_Facts]:
    values: dict[tuple[int, int, str], float] = {}
    series: dict[int, list[tuple[int, float]]] = defaultdict(list)
    unstable: dict[int, tuple[float, float]] = {}
    for ind_id, y, dis, value, shaky, low, high in unit_value_history(
        indicators=indicators, orgunit=orgunit, year=year
    ):
        if value is None:
            continue
        values[ind_id, y, dis] = value
        if dis == "total":
            series[ind_id].append((y, value))
            if y == year and shaky and low is not None and high is not None:
                unstable[ind_id] = (low, high)
    judged = unit_judgements(indicators=indicators, orgunit=orgunit, year=year)
    options = list(disaggregation_options())
    out = []
    for ind in indicators:
        splits = [
            (local_name(o), values[ind.pk, year, o.code])
            for o in options
            if (ind.pk, year, o.code) in values and o.code != "total"
        ]
        out.append(
            _Facts(
                indicator=ind,
                current=values.get((ind.pk, year, "total")),
                previous=values.get((ind.pk, year - 1, "total")),
                splits=splits,
                assessment=judged.get(ind.pk),
                series=series.get(ind.pk, []),
                unstable=unstable.get(ind.pk),
            )
        )
    return out


def _lead(outline: Outline, orgunit: OrgUnit, year: int, short: str) -> str:
    ev = evaluation(outline=outline, orgunit=orgunit, year=year, stage=MID)
    clauses = []
    for area, card in sorted(ev.areas, key=lambda ac: ac[0].number):
        if card.monitorable == 0:
            clauses.append(_("%(area)s: no target could be monitored") % {"area": local_name(area)})
        else:
            clauses.append(
                _("%(area)s: of %(n)d targets monitored, %(a)d achieved and %(o)d on track")
                % {
                    "area": local_name(area),
                    "n": card.monitorable,
                    "a": card.achieved,
                    "o": card.on_track,
                }
            )
    opening = _(
        "On the monitoring indicator system of the %(outline)s and the data of the member "
        "departments, the progress of its %(n)d areas in %(year)d at %(unit)s was analysed."
    ) % {"outline": short, "n": len(ev.areas), "year": year, "unit": local_name(orgunit)}
    return sentences(opening, _("; ").join(clauses) + _("."))


def _indicator_text(f: _Facts, year: int, short: str) -> str:
    assert f.current is not None
    fig = figure(f.indicator)
    text = data_sentence(year, fig, f.current, f.previous, f.splits, f.unstable)
    a = f.assessment
    target = target_sentence(
        status=f.status,
        target_text=f.indicator.target_text,
        latest_year=a.latest_year if a else None,
        target_year=a.target_year if a else f.indicator.target_year,
        year_met=a.year_met if a else None,
        outline=short,
        numeric=f.indicator.has_numeric_target,
        trend=a.substatus if a else "",
    )
    outlook = None
    pooled = None
    if a is not None and a.pooled_years > 1 and a.latest_value is not None:
        assert a.period_start is not None
        assert a.period_end is not None
        pooled = pooled_sentence(
            fig=fig, start=a.period_start, end=a.period_end, value=a.latest_value
        )
    if a is not None and f.status in UNDER_WAY:
        outlook = projection_sentence(
            fig=fig,
            target_year=a.target_year,
            projected=a.projected_value,
            low=a.projected_low,
            high=a.projected_high,
            chance=a.chance_of_meeting,
        )
    return sentences(text, pooled, target, outlook)


def _charts(
    f: _Facts, below: dict[int, dict[int, IndicatorValue]], children: list[OrgUnit]
) -> list[Block]:
    ind = f.indicator
    fig = figure(ind)
    a = f.assessment
    charts: list[Block] = []
    if len(f.series) >= 2:
        charts.append(
            SeriesChart(
                title=local_name(ind),
                unit=ind.unit,
                years=[y for y, _v in f.series],
                values=[v for _y, v in f.series],
                target=a.target_value if a else ind.target_value,
                target_year=a.target_year if a else ind.target_year,
                projected=a.projected_value if a else None,
                alt=_("%(name)s by year, with the target and the projection to the target year")
                % {"name": fig.name},
            )
        )
    figures = below.get(ind.pk, {})
    shown = [c for c in children if c.pk in figures]
    if len(shown) >= 2:
        charts.append(
            BarsChart(
                title=_("%(name)s by unit") % {"name": fig.name},
                unit=ind.unit,
                labels=[local_name(c) for c in shown],
                values=[figures[c.pk].value for c in shown],  # type: ignore[misc]
                lows=[figures[c.pk].ci_low for c in shown],
                highs=[figures[c.pk].ci_high for c in shown],
                unstable=[figures[c.pk].unstable for c in shown],
                target=a.target_value if a else ind.target_value,
                alt=_("%(name)s in each unit below, with 95%% intervals for unstable rates")
                % {"name": fig.name},
            )
        )
    return charts


def _cell(v: IndicatorValue | None, decimals: int) -> str:
    if v is None or v.value is None:
        return "—"
    return number(v.value, decimals) + ("*" if v.unstable else "")


def _unit_tables(
    area: object,
    facts: list[_Facts],
    below: dict[int, dict[int, IndicatorValue]],
    children: list[OrgUnit],
    year: int,
) -> list[Table]:
    shown = [f.indicator for f in facts if below.get(f.indicator.pk)]
    tables = []
    for start in range(0, len(shown), COLUMNS_PER_UNIT_TABLE):
        part = shown[start : start + COLUMNS_PER_UNIT_TABLE]
        rows = [
            [local_name(c), *(_cell(below[i.pk].get(c.pk), i.decimals) for i in part)]
            for c in children
        ]
        tables.append(
            Table(
                title=_("%(area)s in each unit, %(year)d")
                % {"area": local_name(area), "year": year},
                columns=[
                    _("Unit"),
                    *(f"{local_name(i)}（{i.unit}）" if i.unit else local_name(i) for i in part),
                ],
                rows=rows,
                numeric=[False, *([True] * len(part))],
                sheet=f"{local_name(area)[:24]} {start // COLUMNS_PER_UNIT_TABLE + 1}",
                notes=[_("* Fewer than 20 events: an unstable rate, to be read with caution.")],
                key=f"units-{getattr(area, 'code', '')}-{start // COLUMNS_PER_UNIT_TABLE + 1}",
            )
        )
    return tables


def _annex(facts: list[_Facts], year: int) -> Table:
    rows = []
    for f in facts:
        ind, a = f.indicator, f.assessment
        fig = figure(ind)
        moved = (
            change(f.previous, f.current, fig)
            if f.current is not None and f.unstable is None
            else None
        )
        status = str(Status(f.status).label)
        if a and a.substatus:
            status = _("%(status)s (%(substatus)s)") % {
                "status": status,
                "substatus": SUBSTATUS_LABELS.get(a.substatus, a.substatus),
            }
        if a and a.pooled_years > 1 and a.latest_value is not None:
            status = _("%(status)s; judged on the %(start)s–%(end)s pooled value %(value)s") % {
                "status": status,
                "start": a.period_start,
                "end": a.period_end,
                "value": level(a.latest_value, fig),
            }
        chance = ""
        projection = ""
        if a and a.chance_of_meeting is not None:
            chance = chance_words(a.chance_of_meeting)
        if a and a.projected_value is not None and a.projected_low is not None:
            assert a.projected_high is not None
            projection = _("%(year)d: %(value)s (%(interval)s)") % {
                "year": a.target_year,
                "value": level(a.projected_value, fig),
                "interval": interval(a.projected_low, a.projected_high, fig),
            }
        year_met = ""
        if a and a.year_met:
            year_met = str(a.year_met)
        elif a and a.met_beyond_horizon:
            year_met = _("not within 50 years")
        rows.append(
            [
                local_name(ind.target.area),
                local_name(ind),
                ind.unit,
                "—" if f.current is None else number(f.current, ind.decimals),
                moved or "",
                interval(*f.unstable, fig) if f.unstable else "",
                _("; ").join(f"{g}{level(v, fig)}" for g, v in f.splits),
                ind.target_text,
                str(status),
                year_met,
                projection,
                chance,
            ]
        )
    return Table(
        title=_("Monitoring indicators, %(year)d") % {"year": year},
        columns=[
            _("Area"),
            _("Indicator"),
            _("Unit"),
            str(year),
            _("Change on the previous year"),
            _("95% interval (unstable rates)"),
            _("Of which"),
            _("Target"),
            _("Status"),
            _("Year met at current trend"),
            _("Projection for the target year (95% interval)"),
            _("Chance of meeting the target"),
        ],
        rows=rows,
        numeric=[False, False, False, True, False, False, False, False, False, True, False, True],
        sheet=_("Annex"),
        key="annex",
    )


def _quality(facts: list[_Facts], orgunit: OrgUnit, year: int, demo_note: str) -> list[Block]:
    out: list[Block] = []
    unstable = [
        local_name(f.indicator)
        for f in facts
        if f.assessment is not None and f.assessment.pooled_years > 1
    ]
    if unstable:
        out.append(
            Paragraph(
                _(
                    "Rates resting on fewer than 20 events were pooled over 3 or 5 years for "
                    "the judgement: %(list)s."
                )
                % {"list": _("、").join(unstable)}
            )
        )
    partial = aggregated_totals(indicators=[f.indicator for f in facts], orgunit=orgunit, year=year)
    incomplete = [
        _("%(name)s (%(n)d of %(m)d units)")
        % {"name": local_name(v.indicator), "n": v.n_reporting or 0, "m": v.n_children}
        for v in partial
        if v.n_reporting is not None and v.n_reporting < v.n_children
    ]
    if incomplete:
        out.append(
            Paragraph(
                _("Not every unit below reported: %(list)s.") % {"list": _("; ").join(incomplete)}
            )
        )
    pending = values_not_yet_approved(year=year, orgunit=orgunit)
    if pending:
        out.append(
            Paragraph(
                _(
                    "%(n)d values of %(year)d were entered but not yet approved when this "
                    "report was built; they are not in its figures."
                )
                % {"n": pending, "year": year}
            )
        )
    else:
        out.append(Paragraph(_("Every value of %(year)d entered was approved.") % {"year": year}))
    if demo_note:
        out.append(Paragraph(demo_note, "note"))
    return out
