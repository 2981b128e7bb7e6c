"""ledger: the women's federation's work ledger (template, import, summary, keys)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import IO

from lianggang.reports.render import SUMMARY_FORMATS  # plain declarations: no Django before setup

from .common import cli_user, read_file, top_unit_or_error
from .registry import command


def _configure(lg: argparse.ArgumentParser) -> None:
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
    lg.add_argument("--format", choices=SUMMARY_FORMATS, default="docx", help="summary")
    lg.add_argument("-o", "--output", help="template, summary: the file to write")


@command("ledger", help="the women's federation's work ledger", configure=_configure)
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
    orgunit = top_unit_or_error(ns.orgunit, err)
    if orgunit is None:
        return 2
    if not ns.output:
        err.write(_("Name the file to write with -o.\n"))
        return 2
    from lianggang.demo.services import demo_note
    from lianggang.ledger.selectors import ledger_summary
    from lianggang.reports.ledger_summary import build_ledger_summary
    from lianggang.reports.render import render

    summary = ledger_summary(orgunit=orgunit, start=start, end=end)
    doc = build_ledger_summary(summary, demo_note=demo_note(summary.is_demo))
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
    user = cli_user(ns.user, err)
    if user is None:
        return 2
    content = read_file(ns.file, err)
    if content is None:
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
