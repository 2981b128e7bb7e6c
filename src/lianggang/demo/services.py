"""Load the synthetic demo data into the database (idempotent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lianggang.collection.models import (
    DataSet,
    DataValue,
    DataValueAudit,
    Round,
    RoundState,
    Submission,
    SubmissionState,
)
from lianggang.collection.selectors import data_is_demo
from lianggang.collection.services import data_sets_ensure
from lianggang.dbguard import maintenance
from lianggang.framework.models import DataElement, Indicator
from lianggang.orgunits.models import Level, OrgUnit

from .generate import County, Formula, GeneratedValue, Generator, load_params
from .label import DEMO_LABEL
from .ledger import ledger_demo_delete, ledger_demo_load


def demo_note(is_demo: bool | None = None) -> str:
    """The demo label when the figures shown are synthetic, else "".

    ``is_demo`` says it for data that knows (a ledger summary); by default the rounds are asked.
    """
    if is_demo is None:
        is_demo = data_is_demo()
    return DEMO_LABEL if is_demo else ""


OUTLINE_ORDER = ("women-2021", "children-2021", "women-2011", "children-2011")


@dataclass
class DemoReport:
    loaded: bool
    values: int = 0
    rounds: int = 0


def demo_exists() -> bool:
    return Round.objects.filter(is_demo=True).exists()


def demo_values(prefecture_code: str = "513300") -> list[GeneratedValue]:
    """The demo values of the prefecture and its counties, generated (not stored): what
    ``demo_load`` stores, and what ``bench/validation_quality.py`` injects errors into."""
    params = load_params()
    prefecture = OrgUnit.objects.get(code=prefecture_code)
    counties = list(OrgUnit.objects.filter(parent=prefecture, level=Level.COUNTY).order_by("code"))
    indicators = sorted(
        Indicator.objects.select_related("numerator", "denominator", "target__area__outline"),
        key=lambda i: (
            OUTLINE_ORDER.index(i.target.area.outline.code)
            if i.target.area.outline.code in OUTLINE_ORDER
            else 99,
            i.target.area.number,
            i.target.sort_order,
            i.sort_order,
        ),
    )
    formulas = [
        Formula(
            numerator=i.numerator.code,
            denominator=i.denominator.code if i.denominator else None,
            factor=i.factor,
            kind=i.kind,
            scale=i.scale,
        )
        for i in indicators
    ]
    residence = {
        e.code for e in DataElement.objects.all() if "residence" in (e.disaggregations or [])
    }
    generator = Generator(
        counties=[County(c.code, c.population or 0) for c in counties],
        prefecture=prefecture.code,
        formulas=formulas,
        residence_elements=residence,
        params=params,
    )
    return list(generator.run())


@transaction.atomic
def demo_load(*, prefecture_code: str = "513300", force: bool = False) -> DemoReport:
    """Generate and store approved demo values 2010–2025 for every county of the prefecture."""
    if demo_exists() and not force:
        return DemoReport(loaded=False)
    if force:
        demo_delete()
    prefecture = OrgUnit.objects.get(code=prefecture_code)
    counties = list(OrgUnit.objects.filter(parent=prefecture, level=Level.COUNTY).order_by("code"))
    params = load_params()
    generated = demo_values(prefecture_code)

    # The data sets a real round would use: county-level ones, and the prefecture's summary.
    data_sets_ensure()
    data_set_of: dict[tuple[str, int], DataSet] = {}
    for ds in DataSet.objects.prefetch_related("elements"):
        for level in ds.levels:
            for el in ds.elements.all():
                data_set_of.setdefault((el.code, level), ds)
    elements = {e.code: e for e in DataElement.objects.all()}
    units = {o.code: o for o in [prefecture, *counties]}
    now = timezone.now()
    rounds = {}
    for year in range(params["first_year"], params["last_year"] + 1):
        rounds[year] = Round.objects.create(
            year=year,
            state=RoundState.CLOSED,
            opens_on=dt.date(year + 1, 3, 1),
            closes_on=dt.date(year + 1, 4, 30),
            is_demo=True,
        )
    submissions: dict[tuple[int, str, str], Submission] = {}
    for g in generated:
        data_set = data_set_of[g.element, units[g.orgunit].level]
        key = (g.year, data_set.code, g.orgunit)
        if key not in submissions:
            submissions[key] = Submission(
                round=rounds[g.year],
                data_set=data_set,
                orgunit=units[g.orgunit],
                state=SubmissionState.APPROVED,
                approved_at=now,
            )
    Submission.objects.bulk_create(submissions.values(), batch_size=2000)
    saved = {
        (s.round.year, s.data_set.code, s.orgunit.code): s
        for s in Submission.objects.filter(round__is_demo=True).select_related(
            "round", "data_set", "orgunit"
        )
    }
    DataValue.objects.bulk_create(
        (
            DataValue(
                element=elements[g.element],
                orgunit=units[g.orgunit],
                year=g.year,
                disaggregation=g.disaggregation,
                value=g.value,
                comment=DEMO_LABEL,
                submission=saved[
                    g.year, data_set_of[g.element, units[g.orgunit].level].code, g.orgunit
                ],
            )
            for g in generated
        ),
        batch_size=2000,
    )
    ledger_demo_load(prefecture=prefecture)
    return DemoReport(loaded=True, values=len(generated), rounds=len(rounds))


def demo_delete() -> None:
    """Remove the demo data, the audit of any change made to it included (a maintenance job:
    ``lianggang.dbguard``)."""
    with maintenance(), transaction.atomic():
        ledger_demo_delete()
        DataValueAudit.objects.filter(submission__round__is_demo=True).delete()
        DataValue.objects.filter(submission__round__is_demo=True).delete()
        Submission.objects.filter(round__is_demo=True).delete()
        Round.objects.filter(is_demo=True).delete()
