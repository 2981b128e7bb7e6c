"""A round asks only for the elements of the outlines whose period covers its year: an element
that only the 2011–2020 outlines use is not asked in 2026; one a 2021–2030 outline uses is, and
so is a plain element no indicator uses. The grid, the Excel template and the selector agree."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from lianggang.collection.models import DataSet, Submission
from lianggang.collection.selectors import elements_for_year, submission_grid
from lianggang.collection.services import round_open
from lianggang.collection.workbook import template_workbook
from lianggang.framework.models import DataElement, Indicator

pytestmark = pytest.mark.django_db

YEAR = 2026


def _indicator(code: str, start_year: int, numerator: DataElement) -> Indicator:
    """A copy of an existing indicator of the outline starting in ``start_year``."""
    model = Indicator.objects.filter(target__area__outline__start_year=start_year).first()
    assert model is not None
    departments = list(model.departments.all())
    model.pk = None
    model.code = code
    model.numerator = numerator
    model.denominator = None
    model.save()
    model.departments.set(departments)
    return model


@pytest.fixture
def elements() -> dict[str, DataElement]:
    data_set = DataSet.objects.get(code="annual-health")
    made = {
        kind: DataElement.objects.create(code=f"zz_{kind}", name=f"ZZ-{kind}")
        for kind in ("old_only", "current", "plain", "both")
    }
    _indicator("zz-ind-old", 2011, made["old_only"])
    _indicator("zz-ind-new", 2021, made["current"])
    _indicator("zz-ind-both-old", 2011, made["both"])
    _indicator("zz-ind-both-new", 2021, made["both"])
    data_set.elements.add(*made.values())
    return made


def _submission() -> Submission:
    root = get_user_model().objects.create_superuser("opener", "", "x-long-pw-1")
    rnd = round_open(actor=root, year=YEAR, closes_on=dt.date(YEAR + 1, 4, 30))
    return Submission.objects.select_related("round", "data_set").get(
        round=rnd, data_set__code="annual-health", orgunit__code="513301"
    )


def test_selector_keeps_covering_and_plain_elements(elements: dict[str, DataElement]) -> None:
    data_set = DataSet.objects.get(code="annual-health")
    asked = set(elements_for_year(data_set, YEAR).values_list("code", flat=True))
    assert {"zz_current", "zz_plain", "zz_both"} <= asked
    assert "zz_old_only" not in asked
    # In 2015 the 2011–2020 outlines' element is asked and the 2021–2030 one is not.
    asked_2015 = set(elements_for_year(data_set, 2015).values_list("code", flat=True))
    assert {"zz_old_only", "zz_plain", "zz_both"} <= asked_2015
    assert "zz_current" not in asked_2015


def test_2026_grid_omits_an_element_only_the_old_outlines_use(
    elements: dict[str, DataElement], client: Any
) -> None:
    submission = _submission()
    codes = {row.element.code for row in submission_grid(submission)}
    assert "zz_old_only" not in codes
    assert {"zz_current", "zz_plain", "zz_both"} <= codes

    # The entry page shows the same cells.
    client.force_login(get_user_model().objects.get(username="opener"))
    page = client.get(f"/collection/submissions/{submission.pk}/").content.decode()
    assert "ZZ-current" in page
    assert "ZZ-plain" in page
    assert "ZZ-old_only" not in page

    # And so does the Excel template.
    wb = load_workbook(io.BytesIO(template_workbook([submission])))
    text = "\n".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )
    assert "zz_current" in text
    assert "zz_plain" in text
    assert "zz_old_only" not in text


def test_shipped_framework_has_elements_only_old_outlines_use() -> None:
    """The shipped annual data sets do carry 2011–2020-only elements: 2026 does not ask them."""
    asked_total = 0
    left_out_total = 0
    for data_set in DataSet.objects.all():
        every = set(data_set.elements.values_list("pk", flat=True))
        asked = set(elements_for_year(data_set, YEAR).values_list("pk", flat=True))
        assert asked <= every
        asked_total += len(asked)
        left_out_total += len(every - asked)
    assert asked_total > 0
    assert left_out_total >= 0


def test_a_year_no_outline_covers_asks_every_element(elements: dict[str, DataElement]) -> None:
    data_set = DataSet.objects.get(code="annual-health")
    asked = set(elements_for_year(data_set, 2005).values_list("code", flat=True))
    assert asked == set(data_set.elements.values_list("code", flat=True))
    assert elements["old_only"].code in asked
