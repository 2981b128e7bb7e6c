"""The mid-term or final evaluation report (docs/methodology.md §四): one outline and org unit.

Sections: the overall result ("在可监测的N项指标中，M项已实现，达标率X%") with the areas'
scorecard; each area's indicators with baseline, latest value, target and status; the targets not
met by responsible department; the units below ranked; the problems needing attention; the
annex of every indicator; a note on data quality.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from lianggang.analytics.evaluation import (
    FINAL,
    Card,
    Evaluation,
    Line,
    evaluation,
    gap_list,
    headline,
    percent,
)
from lianggang.analytics.models import SUBSTATUS_LABELS, Status
from lianggang.analytics.status import JUDGED
from lianggang.analytics.status import label as status_label
from lianggang.framework.models import Outline
from lianggang.framework.naming import local_name
from lianggang.orgunits.models import OrgUnit

from .annual import issuing_line, numeral
from .document import Block, Document, Heading, Paragraph, Table
from .phrasing import number


def _status(line: Line) -> str:
    status = str(Status(line.status).label)
    a = line.assessment
    if a and a.substatus:
        return _("%(status)s (%(substatus)s)") % {
            "status": status,
            "substatus": SUBSTATUS_LABELS.get(a.substatus, a.substatus),
        }
    return status


def _value(x: float | None, decimals: int) -> str:
    return "—" if x is None else number(x, decimals)


def _year(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


INDICATOR_COLUMNS = 8


def _indicator_rows(lines: list[Line]) -> list[list[str]]:
    rows = []
    for line in lines:
        ind, a = line.indicator, line.assessment
        target = ind.target_text or "—"
        rows.append(
            [
                local_name(ind.target.area),
                local_name(ind),
                ind.unit,
                _value(a.baseline_value if a else None, ind.decimals),
                _value(a.latest_value if a else None, ind.decimals),
                _year(a.latest_year if a else None),
                target,
                _status(line),
            ]
        )
    return rows


def _indicator_table(title: str, lines: list[Line], sheet: str, key: str, ev: Evaluation) -> Table:
    return Table(
        title=title,
        columns=[
            _("Area"),
            _("Indicator"),
            _("Unit"),
            _("Baseline (%(year)d)") % {"year": ev.outline.baseline_year},
            _("Latest value"),
            _("Year of the latest value"),
            _("Target"),
            _("Status"),
        ],
        rows=_indicator_rows(lines),
        numeric=[False, False, False, True, True, True, False, False],
        sheet=sheet,
        key=key,
    )


def _card_row(label: str, card: Card) -> list[str]:
    return [
        label,
        str(card.monitorable),
        str(card.achieved),
        str(card.on_track),
        str(card.off_track),
        str(card.regressing),
        str(card.insufficient_data),
        percent(card.achievement_rate),
        percent(card.achievement_rate_with_directional),
        percent(card.on_course_rate),
    ]


CARD_COLUMNS = 10


def _card_columns(first: str) -> list[str]:
    return [
        first,
        _("Monitorable"),
        *(status_label(s) for s in (*JUDGED, "INSUFFICIENT_DATA")),
        _("Achievement rate"),
        _("Achievement rate with directional targets"),
        _("On-course rate"),
    ]


def build_evaluation(
    *,
    outline: Outline,
    orgunit: OrgUnit,
    year: int | None = None,
    stage: str | None = None,
    demo_note: str = "",
) -> Document:
    ev = evaluation(outline=outline, orgunit=orgunit, year=year, stage=stage)
    final = ev.stage == FINAL
    blocks: list[Block] = []
    blocks.append(
        Paragraph(
            _(
                "On the monitoring indicator system of the %(outline)s, the progress of its "
                "targets at %(unit)s up to %(year)s was evaluated. %(headline)s"
            )
            % {
                "outline": _("Outline"),
                "unit": local_name(orgunit),
                "year": ev.as_of or ev.year,
                "headline": headline(ev.overall, ev.stage),
            },
            "lead",
        )
    )
    section = 0

    def heading(text: str) -> None:
        nonlocal section
        section += 1
        blocks.append(Heading(_("%(n)s. %(area)s") % {"n": numeral(section), "area": text}, 1))

    heading(_("Overall"))
    blocks.append(
        Table(
            title=_("Scorecard by area"),
            columns=_card_columns(_("Area")),
            rows=[
                *(_card_row(local_name(area), card) for area, card in ev.areas),
                _card_row(_("All areas"), ev.overall),
            ],
            numeric=[False] + [True] * (CARD_COLUMNS - 1),
            sheet=_("Scorecard"),
            key="scorecard",
        )
    )
    heading(_("Progress by area"))
    for i, (area, card) in enumerate(ev.areas, start=1):
        blocks.append(
            Heading(_("(%(n)s) %(finding)s") % {"n": numeral(i), "finding": local_name(area)}, 2)
        )
        blocks.append(
            Paragraph(
                _("%(area)s: %(headline)s")
                % {"area": local_name(area), "headline": headline(card, ev.stage)}
            )
        )
        lines = [line for line in ev.lines if line.indicator.target.area_id == area.pk]
        blocks.append(
            _indicator_table(
                _("Indicators of %(area)s") % {"area": local_name(area)},
                lines,
                local_name(area)[:28],
                f"area-{area.code}",
                ev,
            )
        )
    heading(_("Targets not met, by responsible department"))
    if not ev.gaps:
        blocks.append(Paragraph(_("Every monitorable target is met.")))
    for department, lines in ev.gaps:
        items = gap_list(lines, _("、"))
        blocks.append(
            Paragraph(
                _("%(department)s: %(items)s")
                % {"department": local_name(department), "items": items}
            )
        )
    if ev.units:
        heading(_("Units below, ranked"))
        blocks.append(
            Table(
                title=_("Scorecard and rank of the units below"),
                columns=[_("Rank"), *_card_columns(_("Unit"))],
                rows=[
                    ["—" if c.rank is None else str(c.rank), *_card_row(local_name(u), c)]
                    for u, c in ev.units
                ],
                numeric=[True, False] + [True] * (CARD_COLUMNS - 1),
                sheet=_("Units ranked"),
                key="units",
            )
        )
        blocks.append(
            Paragraph(
                _(
                    "Units are ranked by their %(rate)s, then by the other rate; units with "
                    "equal rates share a rank."
                )
                % {"rate": _("achievement rate") if final else _("on-course rate")},
                "note",
            )
        )
    heading(_("Problems needing attention"))
    blocks.extend(_problems(ev))
    blocks.append(Heading(_("Annex: every monitoring indicator"), 1))
    blocks.append(_indicator_table(_("Monitoring indicators"), ev.lines, _("Annex"), "annex", ev))
    if demo_note:
        blocks.append(Paragraph(demo_note, "note"))
    kind = _("final evaluation") if final else _("mid-term evaluation")
    title = _("%(unit)s: statistical report on the %(kind)s of the “%(outline)s”") % {
        "unit": local_name(orgunit),
        "kind": kind,
        "outline": local_name(outline),
    }
    return Document(
        title=title,
        issuer=issuing_line(orgunit),
        blocks=blocks,
        demo_note=demo_note,
        language=translation.get_language() or "zh-hans",
    )


def _problems(ev: Evaluation) -> list[Block]:
    out: list[Block] = []
    regressing = [line for line in ev.lines if line.status == "REGRESSING"]
    if regressing:
        out.append(
            Paragraph(
                _("Regressing: %(list)s.")
                % {"list": _("、").join(local_name(line.indicator) for line in regressing)}
            )
        )
    for line in ev.lines:
        a = line.assessment
        if line.status != "OFF_TRACK" or a is None:
            continue
        way, time = a.share_of_way, a.share_of_time
        if way is None or time is None or way >= time:
            continue
        out.append(
            Paragraph(
                _("%(name)s: %(way)s of the way to the target after %(time)s of the time.")
                % {
                    "name": local_name(line.indicator),
                    "way": percent(max(way, 0.0)),
                    "time": percent(time),
                }
            )
        )
    unknown = [
        line
        for line in ev.lines
        if line.indicator.has_numeric_target and line.status in ("INSUFFICIENT_DATA", "NO_DATA")
    ]
    if unknown:
        out.append(
            Paragraph(
                _("Cannot be judged for want of data: %(list)s.")
                % {"list": _("、").join(local_name(line.indicator) for line in unknown)}
            )
        )
    if not out:
        out.append(Paragraph(_("No target is regressing or falling behind.")))
    return out
