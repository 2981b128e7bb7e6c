"""Each exchange format round-trips: export the approved values, empty the year, import the
file, and the same values are back (comments too, where the format carries them)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth import get_user_model

from lianggang.accounts.models import Role
from lianggang.analytics.store import analytics_refresh_for_submissions
from lianggang.cli import run
from lianggang.collection.models import DataValue, DataValueAudit, Submission, SubmissionState
from lianggang.collection.services import Entry, datavalues_save_many, round_open
from lianggang.framework.models import Outline
from lianggang.interop import jsonstat, sdmx
from lianggang.interop.exporting import ExportRequest, values_export
from lianggang.interop.importing import ImportSettings, values_import
from lianggang.interop.opensdg import ImportOptions
from lianggang.orgunits.models import OrgUnit
from tests.factories import member

pytestmark = pytest.mark.django_db

COUNTIES = ("513301", "513322", "513323")
YEAR = 2026


def _entries(i: int, *, breakdowns: bool) -> list[Entry]:
    births = 1000 + 37 * i
    entries = [
        Entry("live_births", "total", births, "核实" if i == 0 else ""),
        Entry("infant_deaths", "total", 6 + i),
        Entry("neonatal_deaths", "total", 3 + i),
        Entry("under5_deaths", "total", 9 + i, "含流动人口" if i == 1 else ""),
    ]
    if breakdowns:
        entries += [
            Entry("live_births", "urban", births // 3),
            Entry("live_births", "rural", births - births // 3),
        ]
    return entries


def _approved_year(*, breakdowns: bool = True) -> dict[str, Any]:
    root = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    round_open(actor=root, year=YEAR, closes_on=dt.date(YEAR + 1, 4, 30))
    clerk = member("clerk", Role.CLERK, "513300", ["health"])
    subs = {
        s.orgunit.code: s
        for s in Submission.objects.filter(
            round__year=YEAR, data_set__code="annual-health", orgunit__code__in=COUNTIES
        ).select_related("orgunit")
    }
    datavalues_save_many(
        actor=clerk,
        entries={
            subs[code].pk: _entries(i, breakdowns=breakdowns) for i, code in enumerate(COUNTIES)
        },
    )
    ids = [s.pk for s in subs.values()]
    Submission.objects.filter(pk__in=ids).update(state=SubmissionState.APPROVED)
    return {"clerk": clerk, "ids": ids}


def _snapshot(*, comments: bool) -> set[tuple[Any, ...]]:
    rows = DataValue.objects.filter(year=YEAR).values_list(
        "element__code", "orgunit__code", "disaggregation", "value", "comment"
    )
    return {r if comments else r[:4] for r in rows}


def _empty_the_year(ids: list[int]) -> None:
    DataValue.objects.filter(year=YEAR).delete()
    Submission.objects.filter(pk__in=ids).update(state=SubmissionState.DRAFT)


def _request(fmt: str, **kw: Any) -> ExportRequest:
    return ExportRequest(
        format=fmt,
        outline=Outline.objects.get(code="children-2021"),
        year=YEAR,
        orgunit=OrgUnit.objects.get(code="513300"),
        **kw,
    )


@pytest.mark.parametrize(
    ("fmt", "comments"),
    [
        ("csv", False),
        ("xlsx", False),
        ("dhis2-json", True),
        ("dhis2-csv", True),
        ("adx", True),
    ],
)
def test_reported_values_round_trip(fmt: str, comments: bool) -> None:
    ctx = _approved_year()
    before = _snapshot(comments=comments)
    assert len(before) == 3 * 6
    exported = values_export(_request(fmt))
    _empty_the_year(ctx["ids"])
    outcome = values_import(
        actor=ctx["clerk"], content=exported.content, settings_=ImportSettings(format=fmt)
    )
    assert outcome.ok, [str(c) for c in outcome.conflicts]
    assert outcome.count.imported == len(before)
    assert _snapshot(comments=comments) == before
    assert DataValueAudit.objects.filter(year=YEAR, channel="api").count() == len(before)


def test_open_sdg_round_trips_through_numerators_and_denominators() -> None:
    ctx = _approved_year(breakdowns=False)
    analytics_refresh_for_submissions(ctx["ids"])
    before = _snapshot(comments=False)
    exported = values_export(_request("opensdg"))
    with zipfile.ZipFile(io.BytesIO(exported.content)) as zf:
        names = set(zf.namelist())
        assert {"data/indicator_c21-imr.csv", "indicator-config/c21-imr.yml"} <= names
        imr = zf.read("data/indicator_c21-imr.csv").decode()
        config = yaml.safe_load(zf.read("indicator-config/c21-imr.yml"))
    header, *lines = imr.splitlines()
    assert header == "Year,Series,Geography,GeoCode,Value"
    # The headline (the prefecture: blank GeoCode) first, then each county by its code.
    assert lines[0].startswith("2026,婴儿死亡率,,,")
    assert "2026,婴儿死亡数,康定市,513301,6" in lines
    assert "2026,活产数,康定市,513301,1000" in lines
    assert config["progress_calculation_options"][0]["direction"] == "negative"
    assert config["data_start_values"] == [{"field": "Series", "value": "婴儿死亡率"}]
    _empty_the_year(ctx["ids"])
    outcome = values_import(
        actor=ctx["clerk"],
        content=exported.content,
        settings_=ImportSettings(format="opensdg", opensdg=ImportOptions(orgunit="513300")),
        name="export.zip",
    )
    assert outcome.ok, [str(c) for c in outcome.conflicts]
    assert _snapshot(comments=False) == before
    # The rates and the prefecture's totals are read but not imported: Lianggang computes them.
    assert outcome.skipped
    assert all(s.property in ("Series", "GeoCode") for s in outcome.skipped)


def test_sdmx_csv_is_read_back_by_pysdmx() -> None:
    from pysdmx.io import get_datasets

    ctx = _approved_year()
    analytics_refresh_for_submissions(ctx["ids"])
    for version in ("2.0", "1.0"):
        exported = values_export(_request("sdmx-csv", sdmx_version=version))
        text = exported.content.decode()
        head = text.splitlines()[0].split(",")
        if version == "2.0":
            assert head[:3] == ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
        else:
            assert head[0] == "DATAFLOW"
        datasets = get_datasets(text)
        assert len(datasets) == 1
        data = datasets[0].data
        kangding = data[(data["SERIES"] == "c21-imr") & (data["REF_AREA"] == "513301")]
        assert list(kangding["TIME_PERIOD"].astype(str)) == ["2026"]
        assert float(kangding["OBS_VALUE"].iloc[0]) == pytest.approx(6.0)
        assert set(data["SEX"]) == {sdmx.TOTAL}
        # Six infant deaths: a rate on fewer than 20 events is marked of low reliability.
        assert kangding["OBS_STATUS"].iloc[0] == "U"


def test_json_stat_holds_the_values_at_their_positions() -> None:
    ctx = _approved_year()
    analytics_refresh_for_submissions(ctx["ids"])
    raw = values_export(_request("jsonstat"))
    doc = json.loads(raw.content)
    assert doc["version"] == "2.0"
    assert doc["class"] == "dataset"
    assert doc["id"] == ["data_element", "orgunit", "year", "disaggregation"]
    assert doc["role"]["time"] == ["year"]
    values = jsonstat.read_values(raw.content)
    assert values[("live_births", "513301", "2026", "urban")] == 333
    assert len(values) == 3 * 6
    figures = values_export(_request("jsonstat", what="indicators"))
    doc = json.loads(figures.content)
    assert doc["dimension"]["indicator"]["category"]["unit"]["c21-imr"]["label"] == "‰"
    ivalues = jsonstat.read_values(figures.content)
    assert ivalues[("c21-imr", "513301", "2026", "total")] == pytest.approx(6.0)
    assert "u" in doc["status"].values()


def test_the_command_line_exports_and_imports_every_format(tmp_path: Path) -> None:
    ctx = _approved_year()
    before = _snapshot(comments=False)
    for fmt, name in (("dhis2-json", "v.json"), ("adx", "v.adx.xml"), ("dhis2-csv", "v.csv")):
        path = tmp_path / name
        out, err = io.StringIO(), io.StringIO()
        args = ["export", "values", "--outline", "children-2021", "--year", str(YEAR)]
        assert run([*args, "--format", fmt, "-o", str(path)], out, err) == 0, err.getvalue()
        _empty_the_year(ctx["ids"])
        out, err = io.StringIO(), io.StringIO()
        code = run(["import", "values", str(path), "--user", "clerk", "--dry-run"], out, err)
        assert code == 0, err.getvalue()
        assert not DataValue.objects.filter(year=YEAR).exists()
        out, err = io.StringIO(), io.StringIO()
        assert run(["import", "values", str(path), "--user", "clerk"], out, err) == 0, (
            err.getvalue()
        )
        assert _snapshot(comments=False) == before
        Submission.objects.filter(pk__in=ctx["ids"]).update(state=SubmissionState.APPROVED)
    out, err = io.StringIO(), io.StringIO()
    args = ["export", "values", "--outline", "children-2021", "--year", str(YEAR)]
    assert run([*args, "--format", "sdmx-csv"], out, err) == 0
    assert out.getvalue().startswith("STRUCTURE,STRUCTURE_ID,ACTION,FREQ,SERIES,REF_AREA")
    assert run([*args, "--format", "opensdg"], out, err) == 2
    assert "--output" in err.getvalue()
