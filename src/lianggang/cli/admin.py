"""admin: the administrator account."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import IO

from .registry import command


def _configure(ad: argparse.ArgumentParser) -> None:
    ad.add_argument("action", choices=["ensure"])
    ad.add_argument("--username", default="admin")
    ad.add_argument(
        "--password-file",
        type=Path,
        help="keep a generated password here so that a later run can print it again",
    )


@command("admin", help="the administrator account", configure=_configure)
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
