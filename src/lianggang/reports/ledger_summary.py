"""The women's federation's period achievement summary as a document: the sentences of each
section, the units below in tables, and an annex tracing every figure to the records it sums.
The figures are the ledger's (:func:`lianggang.ledger.selectors.ledger_summary`); this only
lays them out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import dateformat, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianggang.framework.naming import local_name
from lianggang.ledger.models import field_label
from lianggang.ledger.selectors import Figure, LedgerSummary
from lianggang.ledger.wording import Kind

from .annual import numeral, sentences
from .document import Block, Document, Heading, Paragraph, Table

COLUMNS_PER_TABLE = 5


def long_date(day: dt.date) -> str:
    return dateformat.format(day, pgettext("long date", "F j, Y"))


def _cell(figure: Figure, value: Decimal | None) -> str:
    if value is None or value == 0:
        return "0"
    if figure.measure.kind is Kind.MONEY:
        return f"{value / 10_000:,.2f}"
    return f"{value:,.0f}"


def _column(figure: Figure) -> str:
    label = str(figure.measure.label)
    if figure.measure.kind is Kind.MONEY:
        return _("%(label)s (10 000 yuan)") % {"label": label}
    return label


def build_ledger_summary(summary: LedgerSummary, *, demo_note: str = "") -> Document:
    unit = local_name(summary.orgunit)
    period = {"start": long_date(summary.start), "end": long_date(summary.end)}
    blocks: list[Block] = [
        Paragraph(_("%(start)s to %(end)s") % period, "lead"),
        Paragraph(
            sentences(
                _(
                    "Every figure below is the sum of the ledger's records of %(unit)s and the "
                    "units below it dated from %(start)s to %(end)s, both days included; what "
                    "exists at a date (women's homes, volunteer teams) is counted on %(end)s. The "
                    "annex lists the records behind each figure."
                )
                % {"unit": unit, **period},
                _("Records entered at a unit count for the unit they lie under."),
            )
        ),
    ]
    for number, section in enumerate(summary.sections, start=1):
        blocks.append(
            Heading(_("%(n)s. %(area)s") % {"n": numeral(number), "area": section.title}, 1)
        )
        if section.sentences:
            blocks.append(Paragraph(sentences(*section.sentences)))
        else:
            blocks.append(Paragraph(_("No records in this period."), "note"))
        shown = [f for f in section.figures if f.value]
        if not summary.units or not shown:
            continue
        for start in range(0, len(shown), COLUMNS_PER_TABLE):
            chunk = shown[start : start + COLUMNS_PER_TABLE]
            rows = [
                [local_name(u), *(_cell(f, summary.by_unit[f.key].get(u.pk)) for f in chunk)]
                for u in summary.units
            ]
            rows.append([_("Total"), *(_cell(f, f.value) for f in chunk)])
            part = (
                ""
                if len(shown) <= COLUMNS_PER_TABLE
                else pgettext("table part", " (%(n)s)")
                % {"n": numeral(start // COLUMNS_PER_TABLE + 1)}
            )
            blocks.append(
                Table(
                    title=_("%(section)s by unit") % {"section": section.title} + part,
                    columns=[_("Unit"), *(_column(f) for f in chunk)],
                    rows=rows,
                    numeric=[False, *([True] * len(chunk))],
                    sheet=f"{section.key}{start // COLUMNS_PER_TABLE + 1}"[:31],
                    key=f"{section.key}{start // COLUMNS_PER_TABLE}",
                )
            )
    blocks.append(Heading(_("Annex: the records behind each figure"), 1))
    blocks.append(
        Table(
            title=_("Figures, how they are written and what they sum"),
            columns=[
                _("Figure"),
                _("Exact total"),
                _("As written"),
                _("Records summed"),
                _("Record type"),
                _("Dates counted"),
            ],
            rows=[
                [
                    str(f.measure.label),
                    f"{f.value:,.2f}" if f.measure.kind is Kind.MONEY else f"{f.value:,.0f}",
                    f.text,
                    f"{f.records:,}",
                    str(f.measure.model._meta.verbose_name_plural),
                    (
                        _("existing on the last day")
                        if f.measure.kind is Kind.STOCK
                        else field_label(f.measure.model, f.measure.date_field)
                    ),
                ]
                for f in summary.figures.values()
            ],
            numeric=[False, True, False, True, False, False],
            sheet=_("Annex")[:31],
            notes=[
                _(
                    "Rounding: money in 10 000 yuan to one decimal; counts of 1 000 or more as "
                    "the federation writes them (近, 余), by the rules in the user guide."
                )
            ],
            key="annex",
        )
    )
    return Document(
        title=_("Work summary of the women's federation of %(unit)s") % {"unit": unit},
        issuer=_("Women's Federation of %(unit)s") % {"unit": unit},
        blocks=blocks,
        demo_note=demo_note,
        language=translation.get_language() or "zh-hans",
        contents=False,  # five sections: a contents page would be longer than it helps
    )
