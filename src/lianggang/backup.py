"""Backups of the whole database, and their restoration (``lianggang backup`` / ``restore``).

A backup is one tar file: ``manifest.json`` (what made it, when, the database's kind, its
migrations, the rows of every table, a SHA-256 of the payload) and the payload itself — for
SQLite a copy of the database file taken with SQLite's online backup (consistent while the
application runs), for PostgreSQL ``pg_dump``'s custom format (a consistent snapshot too).

Restoring checks the archive before touching anything (its checksum, the kind of database,
migrations this code knows), then replaces the database in one step — SQLite's backup API, or
``pg_restore --clean --single-transaction`` — so a failed restore leaves the database as it was;
then migrates it if it came from an older version and compares every table's rows with the
manifest.

The ledger's personal data stay encrypted in the backup; the keys are not in it (they come from
the environment): keep them apart from the backups. The manifest records a fingerprint of the
keys in use, and the restore warns when none of the current keys is among them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

import lianggang

FORMAT = 1
PAYLOAD = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot be done; ``str()`` says why, for the operator."""


@dataclass
class Manifest:
    vendor: str
    created_at: str
    version: str
    migrations: list[tuple[str, str]]
    rows: dict[str, int]
    sha256: str = ""
    key_fingerprints: list[str] = field(default_factory=list)
    format: int = FORMAT

    def to_json(self) -> bytes:
        data = {**self.__dict__, "product": "lianggang"}
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if data.get("product") != "lianggang":
            raise BackupError(_("This file is not a Lianggang backup."))
        if data.get("format") != FORMAT:
            raise BackupError(
                _("Backup format %(format)s is not known to this version.")
                % {"format": data.get("format")}
            )
        return cls(
            vendor=data["vendor"],
            created_at=data["created_at"],
            version=data["version"],
            migrations=[(a, n) for a, n in data["migrations"]],
            rows=data["rows"],
            sha256=data["sha256"],
            key_fingerprints=data.get("key_fingerprints", []),
        )


def key_fingerprints() -> list[str]:
    """Short digests of the ledger keys in use (never the keys)."""
    return [
        hashlib.sha256(k.encode()).hexdigest()[:12] for k in settings.LIANGGANG_LEDGER_KEYS or []
    ]


def _tables(using: str) -> list[str]:
    return sorted(connections[using].introspection.table_names())


def table_rows(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    connection = connections[using]
    out: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in _tables(using):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            out[table] = cursor.fetchone()[0]
    return out


def _migrations(using: str) -> list[tuple[str, str]]:
    return sorted(MigrationRecorder(connections[using]).applied_migrations())


def pg_connection_args(using: str) -> tuple[list[str], dict[str, str]]:
    conf = connections[using].settings_dict
    args = ["--dbname", conf["NAME"]]
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def tool_path(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(tool)s is not installed (Debian: apt-get install postgresql-client).")
            % {"tool": name}
        )
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    # The commands are pg_dump/pg_restore found on PATH, with arguments from the settings.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name}: {done.stderr.strip() or done.returncode}")


def _dump(using: str, target: Path) -> None:
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    elif connection.vendor == "postgresql":
        args, env = pg_connection_args(using)
        _run(
            [
                tool_path("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *args,
            ],
            env,
        )
    else:
        raise BackupError(
            _("Backups of %(vendor)s are not supported.") % {"vendor": connection.vendor}
        )


def backup(path: Path, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Write a backup of the whole database to ``path``."""
    connection = connections[using]
    with tempfile.TemporaryDirectory() as tmp:
        payload = Path(tmp) / PAYLOAD.get(connection.vendor, "database")
        _dump(using, payload)
        manifest = Manifest(
            vendor=connection.vendor,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            version=lianggang.__version__,
            migrations=_migrations(using),
            rows=table_rows(using),
            sha256=_sha256(payload),
            key_fingerprints=key_fingerprints(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            info = tarfile.TarInfo("manifest.json")
            raw = manifest.to_json()
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
            tar.add(payload, arcname=payload.name)
        partial.chmod(0o600)
        partial.replace(path)
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Restored:
    manifest: Manifest
    migrated: bool
    warnings: list[str]


def read_manifest(path: Path) -> Manifest:
    try:
        with tarfile.open(path, "r") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            return Manifest.from_json(member.read())
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise BackupError(
            _("This file is not a Lianggang backup (%(why)s).") % {"why": exc}
        ) from exc


def restore(path: Path, using: str = DEFAULT_DB_ALIAS) -> Restored:
    """Replace the database's contents with the backup's; nothing is changed when a check
    fails, and the restore itself is all or nothing."""
    from django.core.management import call_command
    from django.db.migrations.loader import MigrationLoader

    connection = connections[using]
    manifest = read_manifest(path)
    if manifest.vendor != connection.vendor:
        raise BackupError(
            _("This backup is of a %(theirs)s database; this one is %(ours)s.")
            % {"theirs": manifest.vendor, "ours": connection.vendor}
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [m for m in manifest.migrations if tuple(m) not in known]
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer Lianggang (migration %(name)s is unknown here): "
                "upgrade first."
            )
            % {"name": ".".join(unknown[0])}
        )
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(path, "r") as tar:
            name = PAYLOAD[manifest.vendor]
            member = tar.extractfile(name)
            if member is None:
                raise BackupError(_("The backup holds no database."))
            payload = Path(tmp) / name
            with payload.open("wb") as f:
                shutil.copyfileobj(member, f)
        if _sha256(payload) != manifest.sha256:
            raise BackupError(_("The backup file is damaged (its checksum does not match)."))
        _load(using, payload)
    migrated = bool(known - set(_migrations(using)))  # made by an older version
    if migrated:
        call_command("migrate", database=using, interactive=False, verbosity=0)
    warnings: list[str] = []
    if not migrated:
        now = table_rows(using)
        for table, rows in sorted(manifest.rows.items()):
            if now.get(table) != rows:
                warnings.append(
                    _("Table %(table)s has %(now)s rows; the backup had %(rows)d.")
                    % {"table": table, "now": now.get(table), "rows": rows}
                )
    if manifest.key_fingerprints and not set(manifest.key_fingerprints) & set(key_fingerprints()):
        warnings.append(
            _(
                "None of the ledger keys set now was in use when the backup was made: the "
                "ledger's personal data will not open until that key is set again."
            )
        )
    return Restored(manifest=manifest, migrated=migrated, warnings=warnings)


def _load(using: str, payload: Path) -> None:
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError(_("A restore cannot run inside a transaction."))
        with sqlite3.connect(payload) as source:
            source.backup(connection.connection)
        source.close()
        return
    args, env = pg_connection_args(using)
    connection.close()
    _run(
        [
            tool_path("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(payload),
        ],
        env,
    )
