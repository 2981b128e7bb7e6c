"""The query page's selection: indicators × org units × years (× breakdown) → indicator values.

The page (web/views/query.py) and the API (``GET /api/v1/query``) select through here, so a
query asked of one answers the same as of the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianggang.framework.models import Indicator
from lianggang.orgunits.models import OrgUnit

from .models import IndicatorValue

MAX_CELLS = 20_000
FIRST_YEAR, LAST_YEAR = 2010, 2030


@dataclass
class Selection:
    indicators: list[Indicator] = field(default_factory=list)
    units: list[OrgUnit] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    breakdowns: bool = False

    @property
    def complete(self) -> bool:
        return bool(self.indicators and self.units and self.years)

    @property
    def cells(self) -> int:
        return len(self.indicators) * len(self.units) * len(self.years)


@dataclass
class Problem:
    field: str
    message: str


def query_select(
    *,
    indicators: list[str],
    orgunits: list[str],
    year_from: int | None,
    year_to: int | None,
    breakdowns: bool = False,
) -> tuple[Selection, list[Problem]]:
    """The selection, in the order asked, and what in it is unknown or too large."""
    problems: list[Problem] = []
    by_code = {i.code: i for i in Indicator.objects.filter(code__in=indicators)}
    chosen = [by_code[c] for c in dict.fromkeys(indicators) if c in by_code]
    unknown = [c for c in indicators if c not in by_code]
    if unknown:
        problems.append(
            Problem(
                "indicator",
                _("Unknown indicators: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        )
    units_by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=orgunits, aggregated=True)}
    units = [units_by_code[c] for c in dict.fromkeys(orgunits) if c in units_by_code]
    unknown_units = [c for c in orgunits if c not in units_by_code]
    if unknown_units:
        problems.append(
            Problem(
                "orgunit",
                _("Unknown org units: %(codes)s.") % {"codes": ", ".join(unknown_units)},
            )
        )
    years: list[int] = []
    if year_from:
        last = year_to if year_to else year_from
        years = list(range(max(year_from, FIRST_YEAR), min(last, LAST_YEAR) + 1))
    sel = Selection(chosen, units, years, breakdowns)
    if sel.complete and sel.cells > MAX_CELLS:
        problems.append(
            Problem(
                "indicator",
                _("That is %(n)d cells; choose at most %(max)d (fewer indicators, units or years).")
                % {"n": sel.cells, "max": MAX_CELLS},
            )
        )
    return sel, problems


def query_values(sel: Selection) -> QuerySet[IndicatorValue]:
    """The indicator values of a selection (totals only unless it asks for breakdowns)."""
    values = IndicatorValue.objects.filter(
        indicator__in=sel.indicators, orgunit__in=sel.units, year__in=sel.years
    )
    if not sel.breakdowns:
        values = values.filter(disaggregation="total")
    return values
