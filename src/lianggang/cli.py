"""The `lianggang` command.

Its own sub-commands are listed by `lianggang --help`; anything else is handed to Django's
management commands (`lianggang migrate`, `lianggang createsuperuser`, `lianggang shell`…).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from lianggang.interop import formats  # plain constants: no Django before setup

OWN_COMMANDS = {
    "setup",
    "orgunits",
    "framework",
    "demo",
    "analytics",
    "assess",
    "export",
    "import",
    "report",
    "ledger",
    "admin",
    "serve",
    "worker",
    "backup",
    "restore",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianggang.config.settings")
    if not args or args[0] in OWN_COMMANDS or args[0] in ("-h", "--help"):
        return run(args)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lianggang", *args])
    return 0


def _setup_django() -> None:
    import django
    from django.conf import settings
    from django.utils import translation

    django.setup()
    translation.activate(os.environ.get("LIANGGANG_LANGUAGE", settings.LANGUAGE_CODE))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lianggang",
        description="Lianggang (两纲监测): monitoring of the women's and children's outlines.",
        epilog="Other commands (migrate, createsuperuser, shell…) go to Django.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="migrate the database and load org units and the framework")
    o = sub.add_parser("orgunits", help="org units and departments")
    o.add_argument("action", choices=["load"])
    o.add_argument("--dir", type=Path, help="folder with hierarchy.csv and departments.csv")
    f = sub.add_parser("framework", help="outlines, targets and indicators")
    f.add_argument("action", choices=["load"])
    f.add_argument("--dir", type=Path, help="folder with the outline YAML files")
    d = sub.add_parser("demo", help="synthetic demo data (演示数据，非官方统计)")
    d.add_argument("action", choices=["load", "delete"])
    d.add_argument("--force", action="store_true", help="regenerate even if already loaded")
    a = sub.add_parser("analytics", help="derived figures: rebuild them, or evaluate an outline")
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
    s = sub.add_parser("assess", help="judge series from a tidy CSV (no database needed)")
    s.add_argument("input", help="CSV file, or - for standard input")
    s.add_argument("-o", "--output", help="CSV file to write (default: standard output)")
    e = sub.add_parser(
        "export",
        help="export values, indicator values or judgements",
        description="values: the approved reported values (csv, xlsx, dhis2-json, dhis2-csv, "
        "adx, jsonstat) or, in the statistical formats (sdmx-csv, opensdg), the indicator "
        "values with their numerators and denominators; indicators: indicator values (csv, "
        "xlsx, sdmx-csv, opensdg, jsonstat); assessments: judgements (csv, xlsx).",
    )
    e.add_argument("what", choices=["values", "indicators", "assessments"])
    e.add_argument("--outline", required=True, help="women-2021, children-2021, women-2011…")
    e.add_argument("--year", required=True, type=int, help="the year (the last, with --from-year)")
    e.add_argument("--from-year", type=int, help="export the years from this one to --year")
    e.add_argument("--orgunit", help="GB/T 2260 code: this unit and the units below it")
    e.add_argument(
        "--format",
        choices=formats.EXPORT_FORMATS,
        default="csv",
    )
    e.add_argument("--sdmx-version", choices=["2.0", "1.0"], default="2.0", help="SDMX-CSV version")
    e.add_argument("-o", "--output", help="file to write (default: standard output for text)")
    im = sub.add_parser(
        "import",
        help="import values from a file: template, CSV, DHIS2, ADX or Open SDG",
        description="Every value is checked as on the pages; by default one refused value "
        "refuses the file (--atomic-mode NONE imports the rest).",
    )
    im.add_argument("what", choices=["values"])
    im.add_argument(
        "file", type=Path, help="the file (its format is told from its name and content)"
    )
    im.add_argument(
        "--format",
        choices=formats.IMPORT_FORMATS,
        help="the file's format, when its name does not tell",
    )
    im.add_argument(
        "--user",
        default=os.environ.get("LIANGGANG_USER", ""),
        help="the user the changes are recorded under (default: $LIANGGANG_USER, else the "
        "only administrator)",
    )
    im.add_argument("--dry-run", action="store_true", help="check and list changes; write nothing")
    im.add_argument(
        "--import-strategy",
        choices=formats.STRATEGIES,
        default="CREATE_AND_UPDATE",
        help="as DHIS2: CREATE leaves stored values alone, UPDATE adds none, DELETE removes",
    )
    im.add_argument(
        "--atomic-mode",
        choices=formats.ATOMIC_MODES,
        default="ALL",
        help="ALL: one refused value refuses the file; NONE: import the values that pass",
    )
    im.add_argument(
        "--id-scheme",
        choices=formats.ID_SCHEMES,
        default="CODE",
        help="DHIS2 and ADX identifiers: codes (UIDs are taken as codes) or names",
    )
    im.add_argument("--no-header", action="store_true", help="DHIS2 CSV: the first line is a value")
    im.add_argument("--element", help="Open SDG: the data element a file without Series fills")
    im.add_argument("--orgunit", help="Open SDG: the org unit of headline rows (blank GeoCode)")
    im.add_argument(
        "--year-range",
        choices=["start", "end"],
        help="Open SDG: which year a range such as 2016/2017 counts for",
    )
    rp = sub.add_parser("report", help="build a report: Word, PDF, HTML or Excel")
    rp.add_argument(
        "kind",
        choices=["annual", "evaluation"],
        help="annual: the statistical monitoring report; evaluation: mid-term or final "
        "(final when --year is the period's last year)",
    )
    rp.add_argument("--outline", required=True, help="women-2021, children-2021, women-2011…")
    rp.add_argument("--orgunit", help="GB/T 2260 code (default: the top unit with figures)")
    rp.add_argument("--year", required=True, type=int)
    rp.add_argument("--format", choices=["docx", "pdf", "html", "xlsx"], default="docx")
    rp.add_argument("-o", "--output", required=True, help="file to write")
    lg = sub.add_parser("ledger", help="the women's federation's work ledger")
    lg.add_argument(
        "action",
        choices=["template", "import", "summary", "rekey", "newkey"],
        help="template: the Excel template; import FILE: a filled-in one (all rows or none); "
        "summary: a period's achievements (Word or HTML); rekey: re-encrypt personal data "
        "under the first key of LIANGGANG_LEDGER_KEYS; newkey: print a new key",
    )
    lg.add_argument("file", nargs="?", type=Path, help="import: the filled-in .xlsx template")
    lg.add_argument("--dry-run", action="store_true", help="import: check every row; write nothing")
    lg.add_argument(
        "--user",
        default=os.environ.get("LIANGGANG_USER", ""),
        help="import: the user the records are entered by (default: $LIANGGANG_USER, else the "
        "only administrator)",
    )
    lg.add_argument("--orgunit", help="summary: GB/T 2260 code (default: the top unit)")
    lg.add_argument("--from", dest="start", help="summary: first day, YYYY-MM-DD")
    lg.add_argument("--to", dest="end", help="summary: last day, YYYY-MM-DD")
    lg.add_argument("--format", choices=["docx", "html"], default="docx", help="summary")
    lg.add_argument("-o", "--output", help="template, summary: the file to write")
    ad = sub.add_parser("admin", help="the administrator account")
    ad.add_argument("action", choices=["ensure"])
    ad.add_argument("--username", default="admin")
    ad.add_argument(
        "--password-file",
        type=Path,
        help="keep a generated password here so that a later run can print it again",
    )
    sv = sub.add_parser("serve", help="serve the web application (waitress)")
    sv.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    sv.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    sv.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "8")))
    sv.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run background work (report builds) in this process; run `lianggang "
        "worker` instead",
    )
    sub.add_parser("worker", help="run background work (report builds) until stopped")
    bk = sub.add_parser(
        "backup", help="write a backup of the whole database (SQLite or PostgreSQL)"
    )
    bk.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="the backup to write (default: var/backups/lianggang-<time>.tar)",
    )
    rs = sub.add_parser(
        "restore", help="replace the database's contents with a backup's (all or nothing)"
    )
    rs.add_argument("file", type=Path)
    rs.add_argument(
        "--yes", action="store_true", help="really replace the data (without it: show the backup)"
    )
    return p


def run(args: list[str], stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    ns = _parser().parse_args(args)
    _setup_django()
    handler = globals()[f"_cmd_{ns.command}"]
    code: int = handler(ns, out, err)
    return code


def _cmd_setup(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    _cmd_orgunits(argparse.Namespace(dir=None), out, err)
    code = _cmd_framework(argparse.Namespace(dir=None), out, err)
    if code:
        return code
    from django.utils.translation import gettext as _

    from lianggang.collection.services import data_sets_ensure, validation_rules_load

    data_sets_ensure()
    rules = validation_rules_load()
    out.write(_("Data sets and validation rules ready (%(n)d rules new).\n") % {"n": rules})
    _ledger_key_ensure(out)
    return 0


def _ledger_key_ensure(out: IO[str]) -> None:
    """Without LIANGGANG_LEDGER_KEYS, keep a generated ledger key in var/ (the embedded demo)."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    from lianggang.ledger.crypto import generate_key

    if settings.LIANGGANG_LEDGER_KEYS:
        return
    path = Path(settings.VAR_DIR) / "ledger_keys"
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_key()
    path.write_text(key)
    path.chmod(0o600)
    settings.LIANGGANG_LEDGER_KEYS = [key]
    out.write(
        _(
            "Generated the key of the ledger's personal data in %(path)s: back it up with the "
            "database; in production set LIANGGANG_LEDGER_KEYS instead.\n"
        )
        % {"path": path}
    )


def _cmd_orgunits(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.orgunits.services import orgunits_load

    report = orgunits_load(directory=ns.dir)
    out.write(
        _("Org units and departments: %(created)d created, %(updated)d updated.\n")
        % {"created": report.created, "updated": report.updated}
    )
    return 0


def _cmd_framework(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.framework.errors import FrameworkError
    from lianggang.framework.services import framework_load

    try:
        report = framework_load(directory=ns.dir)
    except FrameworkError as exc:
        err.write(f"{exc}\n")
        return 1
    created = sum(report.created.values())
    updated = sum(report.updated.values())
    out.write(
        _("Framework: %(created)d rows created, %(updated)d updated.\n")
        % {"created": created, "updated": updated}
    )
    for item in report.skipped:
        err.write(_("Skipped (org unit not loaded): %(item)s\n") % {"item": item})
    return 0


def _cmd_demo(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.demo.services import demo_delete, demo_load

    if ns.action == "delete":
        demo_delete()
        out.write(_("Demo data deleted.\n"))
        return 0
    report = demo_load(force=ns.force)
    if report.loaded:
        out.write(
            _(
                "Demo data (synthetic, not official statistics): %(values)d values over "
                "%(rounds)d years.\n"
            )
            % {"values": report.values, "rounds": report.rounds}
        )
    else:
        out.write(_("Demo data already loaded; nothing to do (use --force to regenerate).\n"))
    return 0


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


def _outline_or_error(code: str | None, err: IO[str]) -> Any:
    from django.utils.translation import gettext as _

    from lianggang.framework.models import Outline

    outline = Outline.objects.filter(code=code).first() if code else None
    if outline is None:
        codes = ", ".join(Outline.objects.values_list("code", flat=True))
        err.write(
            _("Unknown outline “%(code)s”; known: %(codes)s.\n")
            % {"code": code or "", "codes": codes}
        )
    return outline


def _evaluate(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:

    from lianggang.analytics.evaluation import evaluation, evaluation_csv, evaluation_text
    from lianggang.collection.selectors import data_is_demo
    from lianggang.demo.services import DEMO_LABEL

    outline = _outline_or_error(ns.outline, err)
    orgunit = _top_unit_or_error(ns.orgunit, err) if outline else None
    if outline is None or orgunit is None:
        return 2
    ev = evaluation(outline=outline, orgunit=orgunit, year=ns.year, stage=ns.stage)
    note = DEMO_LABEL if data_is_demo() else ""
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


def _cmd_export(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.analytics.exports import EXPORTS, write_csv, write_xlsx
    from lianggang.collection.selectors import data_is_demo
    from lianggang.demo.services import DEMO_LABEL
    from lianggang.interop.service import ExportRequest, values_export
    from lianggang.orgunits.models import OrgUnit

    outline = _outline_or_error(ns.outline, err)
    if outline is None:
        return 2
    orgunit = None
    if ns.orgunit:
        orgunit = OrgUnit.objects.filter(code=ns.orgunit).first()
        if orgunit is None:
            err.write(_("Unknown org unit code “%(code)s”.\n") % {"code": ns.orgunit})
            return 2
    note = DEMO_LABEL if data_is_demo() else ""
    if ns.what == "assessments" and ns.format not in ("csv", "xlsx"):
        err.write(_("Judgements are exported as csv or xlsx.\n"))
        return 2
    if ns.what == "indicators" and ns.format in ("dhis2-json", "dhis2-csv", "adx"):
        err.write(_("DHIS2 and ADX carry reported values: export values, not indicators.\n"))
        return 2
    binary = ns.format in ("xlsx", "opensdg")
    if binary and not ns.output:
        err.write(_("This format needs --output FILE.\n"))
        return 2
    if ns.from_year is not None and ns.from_year > ns.year:
        err.write(_("--from-year comes after --year.\n"))
        return 2
    if ns.format in ("csv", "xlsx") and ns.from_year is None:
        columns, build = EXPORTS[ns.what]
        rows = build(outline=outline, year=ns.year, orgunit=orgunit)
        if ns.format == "xlsx":
            Path(ns.output).write_bytes(write_xlsx(columns, rows, note))
        elif ns.output:
            with open(ns.output, "w", encoding="utf-8", newline="") as f:
                write_csv(columns, rows, f, note)
        else:
            write_csv(columns, rows, out, note)
    else:
        if ns.what == "assessments":
            err.write(_("--from-year is for values and indicators.\n"))
            return 2
        exported = values_export(
            ExportRequest(
                format=ns.format,
                outline=outline,
                year=ns.year,
                from_year=ns.from_year,
                orgunit=orgunit,
                what=ns.what,
                sdmx_version=ns.sdmx_version,
                note=note,
            )
        )
        if ns.output:
            Path(ns.output).write_bytes(exported.content)
        else:
            out.write(exported.content.decode())
    if note:
        err.write(_("Note: %(label)s (synthetic demo data).\n") % {"label": note})
    return 0


def _top_unit_or_error(code: str | None, err: IO[str]) -> Any:
    from django.utils.translation import gettext as _

    from lianggang.orgunits.models import OrgUnit

    units = OrgUnit.objects.filter(aggregated=True).order_by("level", "sort_order", "code")
    orgunit = units.filter(code=code).first() if code else units.first()
    if orgunit is None:
        err.write(_("Unknown org unit code “%(code)s”.\n") % {"code": code or ""})
    return orgunit


def _cmd_report(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    import time

    from django.utils.translation import gettext as _

    from lianggang.collection.selectors import data_is_demo
    from lianggang.demo.services import DEMO_LABEL
    from lianggang.reports.annual import build_annual
    from lianggang.reports.evaluation_report import build_evaluation
    from lianggang.reports.render import render

    outline = _outline_or_error(ns.outline, err)
    orgunit = _top_unit_or_error(ns.orgunit, err) if outline else None
    if outline is None or orgunit is None:
        return 2
    started = time.perf_counter()
    note = DEMO_LABEL if data_is_demo() else ""
    if ns.kind == "evaluation":
        doc = build_evaluation(outline=outline, orgunit=orgunit, year=ns.year, demo_note=note)
    else:
        doc = build_annual(outline=outline, orgunit=orgunit, year=ns.year, demo_note=note)
    content = render(doc, ns.format)
    Path(ns.output).write_bytes(content)
    out.write(
        _("%(title)s: %(path)s (%(kb)d KB, %(s).1f s).\n")
        % {
            "title": doc.title,
            "path": ns.output,
            "kb": len(content) // 1024,
            "s": time.perf_counter() - started,
        }
    )
    return 0


def _cli_user(name: str, err: IO[str]) -> Any:
    """The user a command acts as: the one named, else the only administrator (None: said)."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    users = get_user_model().objects.filter(is_active=True)
    if name:
        user = users.filter(username=name).first()
    else:
        admins = list(users.filter(is_superuser=True)[:2])
        user = admins[0] if len(admins) == 1 else None
    if user is None:
        err.write(_("No active user “%(user)s”; name the user with --user.\n") % {"user": name})
    return user


def _cmd_import(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.collection.models import Channel
    from lianggang.interop.opensdg import ImportOptions
    from lianggang.interop.service import ImportSettings, guess_format, values_import

    user = _cli_user(ns.user, err)
    if user is None:
        return 2
    try:
        content = ns.file.read_bytes()
    except OSError as exc:
        err.write(_("Cannot read %(path)s: %(error)s\n") % {"path": ns.file, "error": exc})
        return 2
    fmt = ns.format or guess_format(ns.file.name, content)
    if not fmt:
        err.write(
            _("Cannot tell the format of %(path)s; say it with --format.\n") % {"path": ns.file}
        )
        return 2
    settings = ImportSettings(
        format=fmt,
        dry_run=ns.dry_run,
        import_strategy=ns.import_strategy,
        atomic_mode=ns.atomic_mode,
        id_scheme=ns.id_scheme,
        first_row_is_header=not ns.no_header,
        opensdg=ImportOptions(
            element=ns.element or "", orgunit=ns.orgunit or "", year_range=ns.year_range or ""
        ),
    )
    outcome = values_import(
        actor=user, content=content, settings_=settings, name=ns.file.name, channel=Channel.CLI
    )
    for conflict in outcome.conflicts:
        err.write(f"{ns.file.name}: {conflict}\n")
    for skipped in outcome.skipped:
        err.write(_("%(file)s: not imported: %(why)s\n") % {"file": ns.file.name, "why": skipped})
    if not outcome.ok:
        err.write(_("%(n)d problem(s); nothing was imported.\n") % {"n": len(outcome.conflicts)})
        return 1
    for unit, finding in outcome.findings:
        level = _("error") if finding.severity == "error" else _("warning")
        err.write(f"{level}: {unit}: {finding.message}\n")
    for c in outcome.changes:
        old = "—" if c.old is None else f"{c.old:g}"
        new = "—" if c.new is None else f"{c.new:g}"
        out.write(f"{c.orgunit}\t{c.element}\t{c.disaggregation}\t{old} → {new}\n")
    count = outcome.count
    if ns.dry_run:
        out.write(
            _(
                "Dry run: %(changes)d change(s) (%(new)d new, %(updated)d updated, %(deleted)d "
                "deleted), %(ignored)d ignored; nothing written.\n"
            )
            % {
                "changes": len(outcome.changes),
                "new": count.imported,
                "updated": count.updated,
                "deleted": count.deleted,
                "ignored": count.ignored,
            }
        )
        return 0
    out.write(
        _("Imported: %(new)d new, %(updated)d updated, %(deleted)d deleted, %(ignored)d ignored.\n")
        % {
            "new": count.imported,
            "updated": count.updated,
            "deleted": count.deleted,
            "ignored": count.ignored,
        }
    )
    return 1 if outcome.conflicts else 0


def _cmd_ledger(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    import datetime as dt

    from django.utils.translation import gettext as _

    from lianggang.ledger.crypto import LedgerKeyError, generate_key

    if ns.action == "newkey":
        out.write(generate_key() + "\n")
        return 0
    if ns.action == "template":
        from lianggang.ledger.workbook import ledger_template

        if not ns.output:
            err.write(_("Name the file to write with -o.\n"))
            return 2
        Path(ns.output).write_bytes(ledger_template())
        out.write(_("Template written to %(path)s.\n") % {"path": ns.output})
        return 0
    if ns.action == "rekey":
        from lianggang.ledger.services import ledger_rekey

        try:
            n = ledger_rekey()
        except LedgerKeyError as exc:
            err.write(f"{exc}\n")
            return 1
        out.write(_("%(n)d record(s) re-encrypted under the first key.\n") % {"n": n})
        return 0
    if ns.action == "import":
        return _ledger_import(ns, out, err)
    try:
        start = dt.date.fromisoformat(ns.start or "")
        end = dt.date.fromisoformat(ns.end or "")
    except ValueError:
        err.write(_("Give the period as --from YYYY-MM-DD --to YYYY-MM-DD.\n"))
        return 2
    if end < start:
        err.write(_("The period ends before it starts.\n"))
        return 2
    orgunit = _top_unit_or_error(ns.orgunit, err)
    if orgunit is None:
        return 2
    if not ns.output:
        err.write(_("Name the file to write with -o.\n"))
        return 2
    from lianggang.demo.services import DEMO_LABEL
    from lianggang.ledger.selectors import ledger_summary
    from lianggang.reports.ledger_summary import build_ledger_summary
    from lianggang.reports.render import render

    summary = ledger_summary(orgunit=orgunit, start=start, end=end)
    doc = build_ledger_summary(summary, demo_note=DEMO_LABEL if summary.is_demo else "")
    Path(ns.output).write_bytes(render(doc, ns.format))
    out.write(_("Written: %(path)s\n") % {"path": ns.output})
    return 0


def _ledger_import(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.ledger.crypto import LedgerKeyError
    from lianggang.ledger.workbook import SHEET_BY_KEY, ledger_import

    if ns.file is None:
        err.write(_("Name the filled-in template to import.\n"))
        return 2
    user = _cli_user(ns.user, err)
    if user is None:
        return 2
    try:
        content = ns.file.read_bytes()
    except OSError as exc:
        err.write(_("Cannot read %(path)s: %(error)s\n") % {"path": ns.file, "error": exc})
        return 2
    try:
        result = ledger_import(actor=user, content=content, dry_run=ns.dry_run)
    except LedgerKeyError as exc:
        err.write(f"{exc}\n" + _("Nothing was imported.\n"))
        return 1
    for problem in result.problems:
        err.write(f"{ns.file.name}: {problem}\n")
    if not result.ok:
        err.write(_("%(n)d problem(s); nothing was imported.\n") % {"n": len(result.problems)})
        return 1
    for key, n in result.counts.items():
        out.write(f"{SHEET_BY_KEY[key].title()}\t{n}\n")
    if ns.dry_run:
        out.write(_("Dry run: every row is right; nothing written.\n"))
    else:
        out.write(_("Imported %(n)d record(s).\n") % {"n": sum(result.counts.values())})
    return 0


def _cmd_admin(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.accounts.services import admin_ensure

    password = os.environ.get("LIANGGANG_DEMO_PASSWORD") or None
    remembered = None
    if ns.password_file and ns.password_file.exists():
        remembered = ns.password_file.read_text().strip() or None
    _created, set_password = admin_ensure(username=ns.username, password=password)
    shown = set_password or remembered
    if set_password and ns.password_file:
        ns.password_file.parent.mkdir(parents=True, exist_ok=True)
        ns.password_file.write_text(set_password)
        ns.password_file.chmod(0o600)
    if shown:
        out.write(
            _("Login: user “%(user)s”, password “%(password)s”\n")
            % {"user": ns.username, "password": shown}
        )
    else:
        out.write(
            _(
                "Login: user “%(user)s” (existing password; set LIANGGANG_DEMO_PASSWORD to "
                "change it)\n"
            )
            % {"user": ns.username}
        )
    return 0


def _cmd_serve(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _
    from waitress import serve

    from lianggang.config.wsgi import application

    if not ns.no_worker:
        threading.Thread(target=task_worker(f"serve-{os.getpid()}").run, daemon=True).start()
    out.write(
        _("Serving on http://%(host)s:%(port)d/ (Ctrl-C stops)\n")
        % {"host": ns.host, "port": ns.port}
    )
    out.flush()
    serve(application, host=ns.host, port=ns.port, threads=ns.threads, ident="lianggang")
    return 0


def task_worker(worker_id: str, *, batch: bool = False) -> Any:
    """A django-tasks database worker polling every second for queued background work;
    ``batch``: stop when nothing is left (tests, one-off runs)."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=0.0 if batch else 1.0,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def _cmd_worker(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    out.write(_("Running background work (Ctrl-C stops).\n"))
    out.flush()
    worker = task_worker(f"worker-{os.getpid()}")
    worker.configure_signals()
    worker.run()
    return 0


def _cmd_backup(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.conf import settings
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from lianggang.backup import BackupError, backup

    path = ns.file or (
        Path(settings.VAR_DIR) / "backups" / f"lianggang-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
    )
    try:
        manifest = backup(path)
    except BackupError as exc:
        err.write(_("Backup failed: %(why)s\n") % {"why": exc})
        return 1
    out.write(
        _("Backup written: %(path)s (%(vendor)s, %(tables)d tables, %(rows)d rows).\n")
        % {
            "path": path,
            "vendor": manifest.vendor,
            "tables": len(manifest.rows),
            "rows": sum(manifest.rows.values()),
        }
    )
    out.write(_("The ledger's keys are not in it: keep them safe apart from the backups.\n"))
    return 0


def _cmd_restore(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.backup import BackupError, read_manifest, restore

    try:
        manifest = read_manifest(ns.file)
        out.write(
            _("Backup of %(created)s: %(vendor)s, Lianggang %(version)s, %(rows)d rows.\n")
            % {
                "created": manifest.created_at,
                "vendor": manifest.vendor,
                "version": manifest.version,
                "rows": sum(manifest.rows.values()),
            }
        )
        if not ns.yes:
            err.write(_("Nothing changed: add --yes to replace the database's contents.\n"))
            return 2
        restored = restore(ns.file)
    except BackupError as exc:
        err.write(_("Restore refused, the database is unchanged: %(why)s\n") % {"why": exc})
        return 1
    out.write(_("Restored.\n"))
    if restored.migrated:
        out.write(_("The restored database was migrated to this version.\n"))
    for warning in restored.warnings:
        err.write(f"{warning}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
