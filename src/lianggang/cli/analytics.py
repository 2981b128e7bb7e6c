"""analytics and assess: the derived figures, an outline's evaluation, a tidy CSV's judgements."""

from __future__ import annotations

import argparse
import sys
from typing import IO, Any

from .common import outline_or_error, top_unit_or_error
from .registry import command


def _configure_analytics(a: argparse.ArgumentParser) -> None:
    a.add_argument("action", choices=["rebuild", "evaluate"])
    a.add_argument("--outline", help="evaluate: women-2021, children-2021, women-2011…")
    a.add_argument(
        "--orgunit", help="evaluate: GB/T 2260 code (default: the top unit with figures)"
    )
    a.add_argument("--year", type=int, help="evaluate: as of this year (default: the stage's)")
    a.add_argument(
        "--stage", choices=["mid", "final"], help="evaluate: mid-term or final (default: by year)"
    )
    a.add_argument("--format", choices=["text", "csv"], default="text")
    a.add_argument("-o", "--output", help="file to write (default: standard output)")


def _configure_assess(s: argparse.ArgumentParser) -> None:
    s.add_argument("input", help="CSV file, or - for standard input")
    s.add_argument("-o", "--output", help="CSV file to write (default: standard output)")


@command(
    "analytics",
    help="derived figures: rebuild them, or evaluate an outline",
    configure=_configure_analytics,
)
def _cmd_analytics(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.analytics.store import analytics_rebuild

    if ns.action == "evaluate":
        return _evaluate(ns, out, err)
    r = analytics_rebuild()
    out.write(
        _(
            "Analytics rebuilt from %(values)d approved values: %(iv)d indicator values, "
            "%(a)d judgements in %(s).1f s.\n"
        )
        % {"values": r.values_read, "iv": r.indicator_values, "a": r.assessments, "s": r.seconds}
    )
    return 0


def _evaluate(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:

    from lianggang.analytics.evaluation import evaluation, evaluation_csv, evaluation_text
    from lianggang.demo.services import demo_note

    outline = outline_or_error(ns.outline, err)
    orgunit = top_unit_or_error(ns.orgunit, err) if outline else None
    if outline is None or orgunit is None:
        return 2
    ev = evaluation(outline=outline, orgunit=orgunit, year=ns.year, stage=ns.stage)
    note = demo_note()
    write = evaluation_csv if ns.format == "csv" else evaluation_text
    if ns.output:
        with open(ns.output, "w", encoding="utf-8", newline="") as f:
            write(ev, f, note)
    else:
        write(ev, out, note)
    return 0


def _tidy_message(exc: Any) -> str:
    from django.utils.translation import gettext as _

    from lianggang.analytics.engine.tidy import ErrorCode

    messages = {
        ErrorCode.EMPTY: _("The file is empty: expected a header row."),
        ErrorCode.MISSING_COLUMN: _("The header has no column “%(column)s”."),
        ErrorCode.MISSING_VALUE: _("Row %(row)s, column “%(column)s”: a value is required."),
        ErrorCode.NOT_A_NUMBER: _(
            "Row %(row)s, column “%(column)s”: expected a number, found “%(text)s”."
        ),
        ErrorCode.NOT_A_YEAR: _(
            "Row %(row)s, column “%(column)s”: expected a year such as 2024, found “%(text)s”."
        ),
        ErrorCode.BAD_CHOICE: _(
            "Row %(row)s, column “%(column)s”: “%(text)s” is not one of %(choices)s."
        ),
        ErrorCode.INCONSISTENT: _(
            "Row %(row)s, column “%(column)s”: series “%(series)s” has “%(expected)s” here on "
            "row %(first_row)s; a series' configuration must be the same on every row."
        ),
        ErrorCode.DUPLICATE_YEAR: _(
            "Row %(row)s, column “%(column)s”: series “%(series)s” already has year %(year)s "
            "on row %(first_row)s."
        ),
        ErrorCode.BAD_DENOMINATOR: _(
            "Row %(row)s, column “%(column)s”: the denominator must be greater than 0."
        ),
        ErrorCode.NO_TARGET: _(
            "Row %(row)s, column “%(column)s”: direction “%(direction)s” needs a target."
        ),
        ErrorCode.BAD_DECIMALS: _(
            "Row %(row)s, column “%(column)s”: expected a number of decimals from 0 to 10, "
            "found “%(text)s”."
        ),
        ErrorCode.COUNT_NEEDS_EVENTS: _(
            "Row %(row)s, column “%(column)s”: count kind needs the events and the population "
            "(numerator and denominator); a value alone is not read as 0 events."
        ),
        ErrorCode.OUT_OF_DOMAIN: _(
            "Row %(row)s, column “%(column)s”: the value %(value)s is outside the %(scale)s "
            "scale (log: not below 0; logit: from 0 to 100); it is not clamped."
        ),
        ErrorCode.TARGET_OUT_OF_DOMAIN: _(
            "Row %(row)s, column “%(column)s”: the target %(target)s is outside the %(scale)s "
            "scale (log: not below 0; logit: from 0 to 100)."
        ),
        ErrorCode.COUNT_SCALE: _(
            "Row %(row)s, column “%(column)s”: a count is judged on the log scale, not “%(scale)s”."
        ),
        ErrorCode.ALL_ZERO: _(
            "Row %(row)s, column “%(column)s”: every value is 0; give the decimals so that 0 "
            "can be placed on the log or logit scale."
        ),
    }
    params = {"row": exc.row, "column": exc.column, **exc.params}
    message = str(messages[exc.code] % params)
    if exc.series and exc.year:
        return _("Series “%(series)s”, year %(year)s: %(message)s") % {
            "series": exc.series,
            "year": exc.year,
            "message": message,
        }
    if exc.series:
        return _("Series “%(series)s”: %(message)s") % {"series": exc.series, "message": message}
    return message


@command(
    "assess", help="judge series from a tidy CSV (no database needed)", configure=_configure_assess
)
def _cmd_assess(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.analytics.engine.tidy import (
        TidyInputError,
        judge,
        read_series,
        write_judgements,
    )

    try:
        if ns.input == "-":
            series = read_series(sys.stdin)
        else:
            with open(ns.input, encoding="utf-8-sig", newline="") as f:
                series = read_series(f)
    except OSError as exc:
        err.write(_("Cannot read %(path)s: %(error)s\n") % {"path": ns.input, "error": exc})
        return 2
    except TidyInputError as exc:
        err.write(f"{ns.input}: {_tidy_message(exc)}\n")
        return 1
    try:
        judged = judge(series)
    except TidyInputError as exc:
        err.write(f"{ns.input}: {_tidy_message(exc)}\n")
        return 1
    if ns.output:
        with open(ns.output, "w", encoding="utf-8", newline="") as f:
            n = write_judgements(judged, f)
        err.write(_("%(n)d series judged; written to %(path)s.\n") % {"n": n, "path": ns.output})
    else:
        write_judgements(judged, out)
    return 0
