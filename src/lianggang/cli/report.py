"""report: the annual statistical monitoring report or the mid-term/final evaluation report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO

from lianggang.reports.render import FORMATS  # plain constants: no Django before setup

from .common import outline_or_error, top_unit_or_error
from .registry import command


def _configure(rp: argparse.ArgumentParser) -> None:
    rp.add_argument(
        "kind",
        choices=["annual", "evaluation"],
        help="annual: the statistical monitoring report; evaluation: mid-term or final "
        "(final when --year is the period's last year)",
    )
    rp.add_argument("--outline", required=True, help="women-2021, children-2021, women-2011…")
    rp.add_argument("--orgunit", help="GB/T 2260 code (default: the top unit with figures)")
    rp.add_argument("--year", required=True, type=int)
    rp.add_argument("--format", choices=FORMATS, default="docx")
    rp.add_argument("-o", "--output", required=True, help="file to write")


@command("report", help="build a report: Word, PDF, HTML or Excel", configure=_configure)
def _cmd_report(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    import time

    from django.utils.translation import gettext as _

    from lianggang.demo.services import demo_note
    from lianggang.reports.annual import build_annual
    from lianggang.reports.evaluation_report import build_evaluation
    from lianggang.reports.render import render

    outline = outline_or_error(ns.outline, err)
    orgunit = top_unit_or_error(ns.orgunit, err) if outline else None
    if outline is None or orgunit is None:
        return 2
    started = time.perf_counter()
    note = demo_note()
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
