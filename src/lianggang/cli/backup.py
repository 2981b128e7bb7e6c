"""backup and restore: the whole database to a file and back (SQLite or PostgreSQL)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO

from .registry import command


def _configure_backup(bk: argparse.ArgumentParser) -> None:
    bk.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="the backup to write (default: var/backups/lianggang-<time>.tar)",
    )


def _configure_restore(rs: argparse.ArgumentParser) -> None:
    rs.add_argument("file", type=Path)
    rs.add_argument(
        "--yes", action="store_true", help="really replace the data (without it: show the backup)"
    )


@command(
    "backup",
    help="write a backup of the whole database (SQLite or PostgreSQL)",
    configure=_configure_backup,
)
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


@command(
    "restore",
    help="replace the database's contents with a backup's (all or nothing)",
    configure=_configure_restore,
)
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
