"""Judge series given as a tidy CSV: the engine as a tool of its own (`lianggang assess`).

Input columns: ``series, year`` and either ``value`` or ``numerator, denominator``, plus the
series' configuration, repeated on each of its rows: ``direction`` (``>=``, ``<=``; also ``~``,
``up``, ``down``), ``target``, ``target_year``, ``baseline_year``, ``scale`` (``linear``,
``log``, ``logit``), ``kind`` (``value``, ``count``, ``proportion``), ``factor``; optional
``target_change`` (relative target, e.g. ``-0.2``), ``tolerance`` (for ``~``), ``decimals`` (the
published precision the target is compared at; without it, a relative tolerance of 1e−9) and
``unit`` (``%`` makes an "around" band one percentage point wide).

A count-kind row needs its numerator and denominator (events and population): its value alone is
refused, never read as 0 events.

Errors are :class:`TidyInputError` with a stable ``code``, the 1-based ``row`` of the file (the
header is row 1), the ``column``, and where known the ``series`` and ``year``, so that the caller
can word them in the user's language. Output columns beyond the judgement's figures:
``projected_low``, ``projected_high`` (the 95 % prediction interval for the target year) and
``chance_of_meeting`` (a share, 0–1); ``pooled_years``, ``period_start`` and ``period_end`` (the
years of the value judged) and ``single_year``, ``single_value`` (the latest single year's value,
shown beside a pooled one).

>>> import io
>>> rows = ["series,year,value,direction,target,target_year,baseline_year,scale,kind"]
>>> rows += [f"literacy,{y},{v},>=,90,2030,2020,linear,value"
...          for y, v in ((2020, 80), (2021, 82), (2022, 84), (2023, 86))]
>>> [(name, judgement)] = judge(read_series(io.StringIO("\\n".join(rows))))
>>> name, judgement.status.value, judgement.year_met, round(judgement.projected_value, 1)
('literacy', 'ON_TRACK', 2025, 100.0)
>>> try:
...     read_series(io.StringIO("series,year,value\\nx,2020,1\\n"))
... except TidyInputError as exc:
...     print(exc.code.value, exc.row, exc.column)
missing_column 1 direction
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO

from .assess import DIRECTIONS, KINDS, Judgement, Observation, Rule, SeriesError, assess
from .trend import SCALES

OUTPUT_COLUMNS = (
    "series",
    "status",
    "substatus",
    "latest_year",
    "latest_value",
    "ci_low",
    "ci_high",
    "slope",
    "projected_value",
    "year_met",
    "required_pace",
    "projected_low",
    "projected_high",
    "chance_of_meeting",
    "pooled_years",
    "period_start",
    "period_end",
    "single_year",
    "single_value",
)
NOT_WITHIN_HORIZON = "not within 50 years"
CONFIG_COLUMNS = (
    "direction",
    "target",
    "target_year",
    "baseline_year",
    "scale",
    "kind",
    "factor",
    "target_change",
    "tolerance",
    "decimals",
    "unit",
)


class ErrorCode(StrEnum):
    EMPTY = "empty"
    MISSING_COLUMN = "missing_column"
    MISSING_VALUE = "missing_value"
    NOT_A_NUMBER = "not_a_number"
    NOT_A_YEAR = "not_a_year"
    BAD_CHOICE = "bad_choice"
    INCONSISTENT = "inconsistent"
    DUPLICATE_YEAR = "duplicate_year"
    BAD_DENOMINATOR = "bad_denominator"
    NO_TARGET = "no_target"
    BAD_DECIMALS = "bad_decimals"
    COUNT_NEEDS_EVENTS = "count_needs_events"
    # The method's refusals of a whole series (SeriesError codes).
    OUT_OF_DOMAIN = "out_of_domain"
    TARGET_OUT_OF_DOMAIN = "target_out_of_domain"
    COUNT_SCALE = "count_scale"
    ALL_ZERO = "all_zero"


@dataclass
class TidyInputError(Exception):
    code: ErrorCode
    row: int | None = None
    column: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    series: str | None = None
    year: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        col = f", column {self.column}" if self.column else ""
        who = f" (series {self.series}" + (f", year {self.year})" if self.year else ")")
        return f"{where}{col}{who if self.series else ''}: {self.code} {self.params}"


@dataclass
class Series:
    name: str
    rule: Rule
    observations: list[Observation]
    rows: dict[int, int] = field(default_factory=dict)  # year → row of the file
    first_row: int = 2


def read_series(stream: IO[str]) -> list[Series]:
    """Parse a tidy CSV into series; raise :class:`TidyInputError` on the first problem."""
    reader = csv.DictReader(stream)
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise TidyInputError(ErrorCode.EMPTY)
    reader.fieldnames = header
    for required in ("series", "year", "direction", "target_year"):
        if required not in header:
            raise TidyInputError(ErrorCode.MISSING_COLUMN, 1, required)
    if "value" not in header and not {"numerator", "denominator"} <= set(header):
        raise TidyInputError(ErrorCode.MISSING_COLUMN, 1, "value")

    configs: dict[str, tuple[int, dict[str, str]]] = {}
    observations: dict[str, list[Observation]] = {}
    seen_years: dict[tuple[str, int], int] = {}
    rows: dict[str, dict[int, int]] = {}
    for rownum, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        name = row.get("series", "")
        if not name:
            raise TidyInputError(ErrorCode.MISSING_VALUE, rownum, "series")
        try:
            year = _year(row, "year", rownum)
        except TidyInputError as exc:
            exc.series = name
            raise
        try:
            _read_row(row, header, name, year, rownum, configs, observations, seen_years, rows)
        except TidyInputError as exc:
            exc.series, exc.year = name, year
            raise

    result = []
    for name, (rownum, config) in configs.items():
        try:
            rule = _rule(config, rownum)
        except TidyInputError as exc:
            exc.series = name
            raise
        result.append(Series(name, rule, observations[name], rows[name], rownum))
    return result


def _read_row(
    row: dict[str, str],
    header: list[str],
    name: str,
    year: int,
    rownum: int,
    configs: dict[str, tuple[int, dict[str, str]]],
    observations: dict[str, list[Observation]],
    seen_years: dict[tuple[str, int], int],
    rows: dict[str, dict[int, int]],
) -> None:
    if (name, year) in seen_years:
        raise TidyInputError(
            ErrorCode.DUPLICATE_YEAR,
            rownum,
            "year",
            {"series": name, "year": year, "first_row": seen_years[name, year]},
        )
    seen_years[name, year] = rownum
    config = {c: row.get(c, "") for c in CONFIG_COLUMNS}
    if name in configs:
        first_row, first = configs[name]
        for column in CONFIG_COLUMNS:
            if config[column] != first[column]:
                raise TidyInputError(
                    ErrorCode.INCONSISTENT,
                    rownum,
                    column,
                    {"series": name, "first_row": first_row, "expected": first[column]},
                )
    else:
        configs[name] = (rownum, config)
    value = _number(row, "value", rownum)
    numerator = _number(row, "numerator", rownum)
    denominator = _number(row, "denominator", rownum)
    if config["kind"] == "count" and (numerator is None or denominator is None):
        column = "numerator" if numerator is None else "denominator"
        raise TidyInputError(ErrorCode.COUNT_NEEDS_EVENTS, rownum, column)
    if value is None and (numerator is None or denominator is None):
        column = (
            "value" if "value" in header else ("numerator" if numerator is None else "denominator")
        )
        raise TidyInputError(ErrorCode.MISSING_VALUE, rownum, column)
    if denominator is not None and denominator <= 0:
        raise TidyInputError(ErrorCode.BAD_DENOMINATOR, rownum, "denominator")
    observations.setdefault(name, []).append(Observation(year, value, numerator, denominator))
    rows.setdefault(name, {})[year] = rownum


def judge(series: Iterable[Series]) -> list[tuple[str, Judgement]]:
    """Judge each series as of its latest year; raise :class:`TidyInputError` for the first
    series the method refuses (naming the series, the year and its row), before any output."""
    judged = []
    for s in series:
        try:
            judged.append((s.name, assess(s.observations, s.rule)))
        except SeriesError as exc:
            row = s.rows.get(exc.year, s.first_row) if exc.year is not None else s.first_row
            column = _REFUSAL_COLUMN.get(exc.code)
            raise TidyInputError(
                ErrorCode(exc.code), row, column, dict(exc.params), s.name, exc.year
            ) from None
    return judged


_REFUSAL_COLUMN = {
    "out_of_domain": "value",
    "count_needs_events": "numerator",
    "target_out_of_domain": "target",
    "count_scale": "scale",
    "all_zero": "decimals",
}


def write_judgements(rows: Iterable[tuple[str, Judgement]], stream: IO[str]) -> int:
    """Write one CSV row per series; return how many were written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    count = 0
    for name, j in rows:
        year_met: object = j.year_met
        if j.met_beyond_horizon:
            year_met = NOT_WITHIN_HORIZON
        writer.writerow(
            [
                name,
                j.status.value,
                j.substatus.value,
                _fmt(j.latest_year),
                _fmt(j.latest_value),
                _fmt(j.ci_low),
                _fmt(j.ci_high),
                _fmt(j.slope),
                _fmt(j.projected_value),
                "" if year_met is None else year_met,
                _fmt(j.required_pace),
                _fmt(j.projected_low),
                _fmt(j.projected_high),
                _fmt(j.chance_of_meeting),
                j.pooled_years,
                _fmt(j.period_start),
                _fmt(j.period_end),
                _fmt(j.single_year),
                _fmt(j.single_value),
            ]
        )
        count += 1
    return count


def _fmt(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.10g}"


def _number(row: dict[str, str], column: str, rownum: int) -> float | None:
    text = row.get(column, "")
    if text == "":
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise TidyInputError(ErrorCode.NOT_A_NUMBER, rownum, column, {"text": text}) from None
    if not math.isfinite(value):
        raise TidyInputError(ErrorCode.NOT_A_NUMBER, rownum, column, {"text": text})
    return value


def _year(row: dict[str, str], column: str, rownum: int) -> int:
    text = row.get(column, "")
    if not text:
        raise TidyInputError(ErrorCode.MISSING_VALUE, rownum, column)
    try:
        year = int(text)
    except ValueError:
        raise TidyInputError(ErrorCode.NOT_A_YEAR, rownum, column, {"text": text}) from None
    if not 1900 <= year <= 2200:
        raise TidyInputError(ErrorCode.NOT_A_YEAR, rownum, column, {"text": text})
    return year


def _choice(
    config: dict[str, str], column: str, rownum: int, choices: tuple[str, ...], default: str
) -> str:
    text = config[column] or default
    if text not in choices:
        raise TidyInputError(
            ErrorCode.BAD_CHOICE, rownum, column, {"text": text, "choices": ", ".join(choices)}
        )
    return text


def _decimals(config: dict[str, str], rownum: int) -> int | None:
    text = config["decimals"]
    if not text:
        return None
    try:
        decimals = int(text)
    except ValueError:
        decimals = -1
    if not 0 <= decimals <= 10:
        raise TidyInputError(ErrorCode.BAD_DECIMALS, rownum, "decimals", {"text": text})
    return decimals


def _rule(config: dict[str, str], rownum: int) -> Rule:
    direction = _choice(config, "direction", rownum, DIRECTIONS, "")
    target = _number(config, "target", rownum)
    change = _number(config, "target_change", rownum)
    if direction in (">=", "<=", "~") and target is None and change is None:
        raise TidyInputError(ErrorCode.NO_TARGET, rownum, "target", {"direction": direction})
    baseline = _year(config, "baseline_year", rownum) if config["baseline_year"] else None
    factor = _number(config, "factor", rownum)
    return Rule(
        direction=direction,
        target=target,
        target_year=_year(config, "target_year", rownum),
        baseline_year=baseline,
        scale=_choice(config, "scale", rownum, SCALES, "linear"),
        kind=_choice(config, "kind", rownum, KINDS, "value"),
        factor=1.0 if factor is None else factor,
        target_change=change,
        tolerance=_number(config, "tolerance", rownum),
        decimals=_decimals(config, rownum),
        unit=config["unit"],
    )
