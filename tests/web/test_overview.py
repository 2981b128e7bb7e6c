"""The overview: the lagging first, the list behind each count, demonstration counties."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from lianggang.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db
URL = "/?outline=children-2021&year=2025"
ORDER = [
    "REGRESSING",
    "OFF_TRACK",
    "ON_TRACK",
    "ACHIEVED",
    "INSUFFICIENT_DATA",
    "NO_DATA",
    "NO_TARGET",
]


def test_the_lagging_come_first(admin_client: Any) -> None:
    rows = admin_client.get(URL).context["rows"]
    ranks = [ORDER.index(r.status) for r in rows]
    assert ranks == sorted(ranks)
    assert rows[0].status in ("REGRESSING", "OFF_TRACK")


def test_each_count_opens_the_list_behind_it(admin_client: Any) -> None:
    page = admin_client.get(URL)
    data = page.context["data"]
    area = next(a for a in data.areas if a.counts["OFF_TRACK"])
    link = f"status=OFF_TRACK&amp;area={area.area.code}#h-indicators"
    assert link in page.content.decode()
    listed = admin_client.get(f"{URL}&status=OFF_TRACK&area={area.area.code}").context["rows"]
    assert len(listed) == area.counts["OFF_TRACK"]
    assert {r.status for r in listed} == {"OFF_TRACK"}
    everywhere = admin_client.get(f"{URL}&status=OFF_TRACK").context["rows"]
    assert len(everywhere) == data.totals["OFF_TRACK"]


def test_demonstration_counties_are_compared_with_the_rest(admin_client: Any) -> None:
    assert admin_client.get(URL).context["demonstration"] is None  # none flagged
    for unit in OrgUnit.objects.filter(code__in=["513301", "513322"]):
        unit.is_demonstration = True
        unit.save()  # as the admin does: the cached overview gives way at once
    page = admin_client.get(URL)
    demo, rest = page.context["demonstration"]
    assert [u.code for u in demo["units"]] == ["513301", "513322"]
    assert len(rest["units"]) == 16
    grid = {line.unit.code: line for line in page.context["data"].grid}
    statuses = [
        a.status for code in ("513301", "513322") for _i, a in grid[code].cells if a is not None
    ]
    judged = [s for s in statuses if s in ORDER[:4]]
    good = sum(s in ("ACHIEVED", "ON_TRACK") for s in judged)
    assert demo["on_course"] == pytest.approx(good / len(judged))
    assert "示范县" in page.content.decode()


def test_indicator_downloads_are_the_table_shown(admin_client: Any) -> None:
    import csv
    import io

    from lianggang.web.presentation import format_value

    page = admin_client.get("/indicators/c21-imr/?orgunit=513300")
    table = page.context["table"]
    response = admin_client.get("/indicators/c21-imr/?orgunit=513300&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [row["unit"].name for row in table]
    first = table[0]["latest"]
    assert rows[1][2] == format_value(first.value, 1)  # rounded as the page shows it
    assert rows[1][-1] == "演示数据，非官方统计"
    xlsx = admin_client.get("/indicators/c21-imr/?orgunit=513300&format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_indicator_chart_has_projection_and_interval(admin_client: Any) -> None:
    page = admin_client.get("/indicators/c21-imr/?orgunit=513300")
    chart, a = page.context["chart"], page.context["main_assessment"]
    assert chart["years"][-1] == a.target_year
    assert chart["projection"][-1] == pytest.approx(a.projected_value)
    assert chart["band"] is not None
    assert len(chart["band"]["low"]) == len(chart["years"])


def test_indicator_page_shows_the_prediction_interval_and_the_chance(admin_client: Any) -> None:
    from lianggang.analytics.models import Assessment
    from lianggang.web.presentation import format_value

    judged = (
        Assessment.objects.filter(
            orgunit__code="513300", year=2025, chance_of_meeting__isnull=False
        )
        .select_related("indicator")
        .order_by("indicator__code")
    )
    a = next(j for j in judged if j.projected_low != j.projected_high)
    page = admin_client.get(f"/indicators/{a.indicator.code}/?orgunit=513300")
    html = page.content.decode()
    d = a.indicator.decimals
    assert f"{format_value(a.projected_low, d)}–{format_value(a.projected_high, d)}" in html
    from lianggang.reports.phrasing import chance_words

    assert a.chance_of_meeting is not None
    with translation.override("zh-hans"):
        words = chance_words(a.chance_of_meeting)
    assert f'<dd class="chance">{words}</dd>' in html
    # The chart's wedge runs from the latest value to the interval in the target year.
    band = page.context["chart"]["projection_band"]
    assert band["low"][-1] == pytest.approx(a.projected_low)
    assert band["high"][-1] == pytest.approx(a.projected_high)
    first = next(i for i, v in enumerate(band["low"]) if v is not None)
    assert band["low"][first] == band["high"][first]  # zero width at the latest value


def test_a_pooled_rate_is_shown_beside_the_latest_single_year(admin_client: Any) -> None:
    from lianggang.analytics.models import Assessment

    pooled = Assessment.objects.filter(
        orgunit__code="513300", year=2025, pooled_years__gt=1, indicator__code__startswith="w21"
    ).select_related("indicator")
    a = pooled.first()
    assert a is not None
    assert a.single_year == 2025
    assert a.period_end == 2025
    html = admin_client.get("/?outline=women-2021&year=2025").content.decode()
    label = f"{a.period_start}—{a.period_end}年合并："
    assert label in html
    assert "（评估所用）" in html
    page = admin_client.get(f"/indicators/{a.indicator.code}/?orgunit=513300").content.decode()
    assert label in page


def test_rates_are_compared_in_a_funnel_plot(admin_client: Any) -> None:
    import numpy as np

    from lianggang.analytics.engine.intervals import rate_interval
    from lianggang.analytics.models import IndicatorValue

    page = admin_client.get("/indicators/c21-imr/?orgunit=513300")
    cmp = page.context["comparison"]
    assert cmp["kind"] == "funnel"
    pref = IndicatorValue.objects.get(
        indicator__code="c21-imr", orgunit__code="513300", year=2025, disaggregation="total"
    )
    assert cmp["centre"] == pytest.approx(pref.value)
    assert len(cmp["points"]) == 18
    # The limits are the exact interval of a unit with the prefecture's rate: at 1 000 births
    # and 7.4‰, the Garwood interval of 7.4 expected deaths.
    n = cmp["n"][10]
    assert pref.value is not None
    lo, hi = rate_interval(
        "count",
        np.asarray([pref.value / 1000 * n], dtype=np.float64),
        np.asarray([n], dtype=np.float64),
        1000.0,
    )
    assert cmp["lower"][10] == pytest.approx(float(lo[0]), rel=1e-3)
    assert cmp["upper"][10] == pytest.approx(float(hi[0]), rel=1e-3)
    # A county is marked outside exactly when its rate leaves the limits at its births.
    outside = 0
    for p in cmp["points"]:
        low = float(np.interp(p["n"], cmp["n"], cmp["lower"]))
        high = float(np.interp(p["n"], cmp["n"], cmp["upper"]))
        assert p["outside"] == (not low - 1e-3 <= p["value"] <= high + 1e-3), p
        outside += p["outside"]
    assert 0 < outside < 18  # the demo has counties on both sides
    assert 'id="comparison-chart"' in page.content.decode()


def test_other_figures_are_compared_in_bars(admin_client: Any) -> None:
    cmp = admin_client.get("/indicators/c21-preschool/?orgunit=513300").context["comparison"]
    assert cmp["kind"] == "bars"
    assert len(cmp["values"]) == 18
