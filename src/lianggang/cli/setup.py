"""setup, orgunits, framework, demo: the database, the reference data and the demo data."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO

from .registry import command


def _configure_orgunits(o: argparse.ArgumentParser) -> None:
    o.add_argument("action", choices=["load"])
    o.add_argument("--dir", type=Path, help="folder with hierarchy.csv and departments.csv")


def _configure_framework(f: argparse.ArgumentParser) -> None:
    f.add_argument("action", choices=["load"])
    f.add_argument("--dir", type=Path, help="folder with the outline YAML files")


def _configure_demo(d: argparse.ArgumentParser) -> None:
    d.add_argument("action", choices=["load", "delete"])
    d.add_argument("--force", action="store_true", help="regenerate even if already loaded")


@command("setup", help="migrate the database and load org units and the framework")
def _cmd_setup(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    _cmd_orgunits(argparse.Namespace(dir=None), out, err)
    code = _cmd_framework(argparse.Namespace(dir=None), out, err)
    if code:
        return code
    from django.utils.translation import gettext as _

    from lianggang.collection.services import (
        RuleFileError,
        data_sets_ensure,
        validation_rules_load,
    )

    data_sets_ensure()
    try:
        rules = validation_rules_load()
    except RuleFileError as exc:
        err.write(f"{exc}\n")
        return 1
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


@command("orgunits", help="org units and departments", configure=_configure_orgunits)
def _cmd_orgunits(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.orgunits.services import orgunits_load

    report = orgunits_load(directory=ns.dir)
    out.write(
        _("Org units and departments: %(created)d created, %(updated)d updated.\n")
        % {"created": report.created, "updated": report.updated}
    )
    return 0


@command("framework", help="outlines, targets and indicators", configure=_configure_framework)
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


@command("demo", help="synthetic demo data (演示数据，非官方统计)", configure=_configure_demo)
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
