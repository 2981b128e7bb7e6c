"""The `lianggang` command.

Its own sub-commands are listed by `lianggang --help`; anything else is handed to Django's
management commands (`lianggang migrate`, `lianggang createsuperuser`, `lianggang shell`…).

Each module of this package registers its commands (:mod:`.registry`): its sub-parser's
arguments and its handler. The parser is built from the registry in the order of
:data:`ORDER` before Django is set up, so the modules import Django only inside handlers.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import IO

from . import admin, analytics, backup, exchange, ledger, report, serve, setup  # noqa: F401
from . import round as round_command  # noqa: F401
from .common import setup_django
from .registry import COMMANDS, in_order
from .serve import task_worker
from .setup import _ledger_key_ensure

__all__ = ["ORDER", "OWN_COMMANDS", "_ledger_key_ensure", "main", "run", "task_worker"]

# The order of `lianggang --help`.
ORDER = (
    "setup",
    "orgunits",
    "framework",
    "demo",
    "round",
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
)
OWN_COMMANDS = set(ORDER)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianggang.config.settings")
    if not args or args[0] in OWN_COMMANDS or args[0] in ("-h", "--help"):
        return run(args)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lianggang", *args])
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lianggang",
        description="Lianggang (两纲监测): monitoring of the women's and children's outlines.",
        epilog="Other commands (migrate, createsuperuser, shell…) go to Django.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    for cmd in in_order(ORDER):
        cmd.add_to(sub)
    return p


def run(args: list[str], stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    ns = _parser().parse_args(args)
    setup_django()
    code: int = COMMANDS[ns.command].handle(ns, out, err)
    return code
