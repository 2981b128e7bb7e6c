"""export and import: values, indicator values and judgements out; reported values in.

The formats and options offered are those of :mod:`lianggang.interop.formats` (no Django).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from lianggang.interop import formats  # plain constants: no Django before setup

from .common import cli_user, outline_or_error, read_file
from .registry import command


def _configure_export(e: argparse.ArgumentParser) -> None:
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


def _configure_import(im: argparse.ArgumentParser) -> None:
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
        "--history",
        action="store_true",
        help="administrators: past years' values, stored as approved into closed rounds (a year "
        "without a round gets a closed one) in one transaction, audited with channel history; "
        "never overwrites a stored value",
    )
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


def _names(keep: Callable[[formats.Format], bool]) -> str:
    return ", ".join(f.name for f in formats.export_formats() if keep(f))


# What each format carries, as the registry declares it.
_EXPORT_DESCRIPTION = (
    f"values: the approved reported values ({_names(lambda f: 'values' in f.carries)}) or, "
    f"in the statistical formats ({_names(lambda f: 'values' not in f.carries)}), the indicator "
    "values with their numerators and denominators; indicators: indicator values "
    f"({_names(lambda f: 'indicators' in f.carries)}); assessments: judgements (csv, xlsx)."
)


@command(
    "export",
    help="export values, indicator values or judgements",
    description=_EXPORT_DESCRIPTION,
    configure=_configure_export,
)
def _cmd_export(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.analytics.exports import EXPORTS, write_csv, write_xlsx
    from lianggang.demo.services import demo_note
    from lianggang.interop.exporting import ExportRequest, values_export
    from lianggang.orgunits.models import OrgUnit

    outline = outline_or_error(ns.outline, err)
    if outline is None:
        return 2
    orgunit = None
    if ns.orgunit:
        orgunit = OrgUnit.objects.filter(code=ns.orgunit).first()
        if orgunit is None:
            err.write(_("Unknown org unit code “%(code)s”.\n") % {"code": ns.orgunit})
            return 2
    note = demo_note()
    if ns.what == "assessments" and ns.format not in ("csv", "xlsx"):
        err.write(_("Judgements are exported as csv or xlsx.\n"))
        return 2
    fmt = formats.named(ns.format)  # argparse offered only the registry's names
    if ns.what == "indicators" and "indicators" not in fmt.carries:
        err.write(_("DHIS2 and ADX carry reported values: export values, not indicators.\n"))
        return 2
    if fmt.binary and not ns.output:
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


@command(
    "import",
    help="import values from a file: template, CSV, DHIS2, ADX or Open SDG",
    description="Every value is checked as on the pages; by default one refused value "
    "refuses the file (--atomic-mode NONE imports the rest).",
    configure=_configure_import,
)
def _cmd_import(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.collection.models import Channel
    from lianggang.interop.importing import ImportSettings, values_import
    from lianggang.interop.opensdg import ImportOptions

    user = cli_user(ns.user, err)
    if user is None:
        return 2
    content = read_file(ns.file, err)
    if content is None:
        return 2
    fmt = ns.format or formats.guess(ns.file.name, content)
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
    if ns.history:
        return _import_history(ns, user, content, settings, out, err)
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
    for _unit, finding in outcome.findings:
        level = _("error") if finding.severity == "error" else _("warning")
        err.write(f"{level}: {finding.text}\n")
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


def _import_history(
    ns: argparse.Namespace,
    user: Any,
    content: bytes,
    settings: Any,
    out: IO[str],
    err: IO[str],
) -> int:
    from django.utils.translation import gettext as _

    from lianggang.collection.errors import CollectionError
    from lianggang.collection.history import history_apply, history_plan
    from lianggang.interop.importing import ImportSettings, read_values_resolved

    assert isinstance(settings, ImportSettings)
    parsed = read_values_resolved(content, settings, name=ns.file.name)
    for conflict in parsed.conflicts:
        err.write(f"{ns.file.name}: {conflict}\n")
    if parsed.conflicts:
        err.write(_("%(n)d problem(s); nothing was imported.\n") % {"n": len(parsed.conflicts)})
        return 1
    try:
        plan = history_plan(actor=user, values=parsed.values)
    except CollectionError as exc:
        err.write(f"{exc}\n")
        return 2
    for problem in plan.problems:
        err.write(f"{ns.file.name}: {problem}\n")
    if not plan.ok:
        err.write(_("%(n)d problem(s); nothing was imported.\n") % {"n": len(plan.problems)})
        return 1
    years = ", ".join(str(y) for y in plan.years) or "—"
    summary = {
        "values": len(plan.values),
        "years": years,
        "unchanged": plan.unchanged,
        "blank": plan.blank,
    }
    if ns.dry_run:
        out.write(
            _(
                "Dry run: %(values)d value(s) of %(years)s to store as history, %(unchanged)d "
                "already stored, %(blank)d blank; nothing written.\n"
            )
            % summary
        )
        return 0
    result = history_apply(actor=user, plan=plan)
    out.write(
        _(
            "History stored: %(values)d value(s) of %(years)s as approved, %(unchanged)d already "
            "stored, %(blank)d blank; %(submissions)d submission(s) and %(rounds)d closed round(s) "
            "created.\n"
        )
        % {
            **summary,
            "submissions": result.submissions_created,
            "rounds": len(result.rounds_created),
        }
    )
    return 0
