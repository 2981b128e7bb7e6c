"""The period summary: exactly the records dated inside the period (both ends), the stocks on
its last day, the unit's subtree only; each figure traceable to the records it sums."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import translation

from lianggang.ledger.models import Activity, ActivityKind, Site, SiteKind
from lianggang.ledger.selectors import MEASURES, ledger_figure_records, ledger_summary
from lianggang.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db

START, END = dt.date(2030, 1, 1), dt.date(2030, 12, 31)  # after the demo ledger ends


def _training(unit: str, day: dt.date, sessions: int, women: int) -> Activity:
    return Activity.objects.create(
        orgunit=OrgUnit.objects.get(code=unit),
        kind=ActivityKind.SKILLS_TRAINING,
        title="培训",
        held_on=day,
        sessions=sessions,
        participants=women,
        women=women,
    )


def _home(unit: str, opened: dt.date, closed: dt.date | None = None) -> Site:
    return Site.objects.create(
        orgunit=OrgUnit.objects.get(code=unit),
        kind=SiteKind.WOMENS_HOME,
        level="village",
        name="妇女之家",
        established_on=opened,
        closed_on=closed,
    )


def _summary(unit: str = "513300", start: dt.date = START, end: dt.date = END) -> Any:
    with translation.override("zh-hans"):
        return ledger_summary(orgunit=OrgUnit.objects.get(code=unit), start=start, end=end)


def test_the_period_includes_both_ends_and_nothing_outside() -> None:
    _training("513301", START - dt.timedelta(days=1), 100, 1000)  # the day before: out
    _training("513301", START, 1, 10)  # the first day: in
    _training("513322", END, 2, 20)  # the last day: in
    _training("513322", END + dt.timedelta(days=1), 100, 1000)  # the day after: out
    s = _summary()
    assert s.figures["training_sessions"].value == 3
    assert s.figures["training_women"].value == 30
    assert s.figures["training_sessions"].records == 2
    one_day = _summary(start=END, end=END)
    assert one_day.figures["training_sessions"].value == 2


def test_stocks_count_what_exists_on_the_last_day() -> None:
    before = _summary().figures["womens_homes"].value
    _home("513301", START - dt.timedelta(days=3000))  # long open: counted
    _home("513301", END)  # opened on the last day: counted
    _home("513301", END + dt.timedelta(days=1))  # opened after: not counted
    _home("513301", START - dt.timedelta(days=400), closed=END)  # closed on the last day: gone
    _home("513301", START - dt.timedelta(days=400), closed=END + dt.timedelta(days=1))  # counted
    assert _summary().figures["womens_homes"].value == before + 3


def test_only_the_units_subtree_counts_and_the_units_below_add_up() -> None:
    _training("513301", START, 4, 40)
    _training("513322", START, 5, 50)
    county = _summary("513301")
    assert county.figures["training_sessions"].value == 4
    prefecture = _summary()
    by_county = prefecture.by_unit["training_sessions"]
    kangding = OrgUnit.objects.get(code="513301").pk
    assert by_county[kangding] == 4
    assert sum(by_county.values()) == prefecture.figures["training_sessions"].value == 9


def test_every_figure_is_the_sum_of_its_records() -> None:
    """Traceability, on the demo ledger's five years to the congress of 2022."""
    unit = OrgUnit.objects.get(code="513300")
    start, end = dt.date(2017, 6, 1), dt.date(2022, 5, 31)
    s = _summary(start=start, end=end)
    assert s.is_demo
    for m in MEASURES:
        records = ledger_figure_records(m.key, orgunit=unit, start=start, end=end)
        total = (records.aggregate(t=Sum(m.total))["t"] if m.total else records.count()) or Decimal(
            0
        )
        assert s.figures[m.key].value == Decimal(total), m.key
        assert s.figures[m.key].records == records.count(), m.key
        assert sum(s.by_unit[m.key].values(), Decimal(0)) == s.figures[m.key].value, m.key


def test_the_demo_summary_reads_like_a_real_one() -> None:
    s = _summary(start=dt.date(2017, 6, 1), end=dt.date(2022, 5, 31))
    text = "".join(sentence for section in s.sections for sentence in section.sentences)
    for phrase in ("全州妇女之家达", "万元", "近5000场次", "余户", "人次", "家庭暴力", "营养包"):
        assert phrase in text, phrase
    assert [section.title for section in s.sections] == [
        "组织建设",
        "妇女发展",
        "家庭建设",
        "巾帼维权",
        "关爱帮扶",
    ]


def test_a_clause_without_records_is_left_out() -> None:
    _training("513301", START, 2, 25)
    s = _summary()
    development = next(x for x in s.sections if x.key == "development")
    assert development.sentences == ["全州举办实用技能培训2期，参训妇女25人次。"]
    assert next(x for x in s.sections if x.key == "rights").sentences == []


def test_english() -> None:
    _training("513301", START, 2, 25)
    with translation.override("en"):
        s = ledger_summary(orgunit=OrgUnit.objects.get(code="513300"), start=START, end=END)
    development = next(x for x in s.sections if x.key == "development")
    assert development.sentences == ["Held 2 skills training sessions attended by 25 women."]
