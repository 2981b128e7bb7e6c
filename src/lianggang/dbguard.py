"""Append-only tables: the database itself refuses to change or remove audit rows.

The audit of data values, the submissions' state changes and the log of reads of personal data
are written once and never changed. Beyond the code not doing it, triggers make the database
refuse any ``UPDATE``, ``DELETE`` (and on PostgreSQL ``TRUNCATE``) of those tables, whoever
asks — the application, the admin site, a psql or sqlite3 session.

Some jobs must remove rows all the same: deleting the demo data, emptying a test database,
clearing a benchmark's rounds. They run inside ``maintenance()``, which lifts the refusal for
one connection only:

- PostgreSQL: the session setting ``lianggang.maintenance = 'on'`` (a superuser of the database
  could drop the triggers anyway; the setting makes the exception explicit and greppable);
- SQLite: the function ``lianggang_maintenance()`` the triggers call is registered on each of the
  application's connections and answers 1 only inside ``maintenance()``. A connection that does
  not have it (the sqlite3 shell) cannot change the rows at all.

SQLite's schema editor rebuilds a table to alter it, which drops its triggers: a migration that
alters one of these tables must call ``append_only_sql`` again (``tests/test_dbguard.py`` fails
if a table has lost its triggers).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.signals import connection_created

# The tables the migrations protect (``protect(...)``); tests/test_dbguard.py checks the two agree
# and that each still has its triggers.
APPEND_ONLY_TABLES = (
    "collection_datavalueaudit",
    "collection_submissionevent",
    "ledger_personaldataread",
)
SETTING = "lianggang.maintenance"
FUNCTION = "lianggang_maintenance"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION lianggang_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{SETTING}', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'lianggang: % is append-only; % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
"""


def append_only_sql(vendor: str, table: str) -> list[str]:
    """The statements that make ``table`` refuse changes and removals."""
    if vendor == "postgresql":
        return [
            PG_FUNCTION,
            f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION lianggang_append_only()",
            f'DROP TRIGGER IF EXISTS "{table}_append_only_truncate" ON "{table}"',
            f'CREATE TRIGGER "{table}_append_only_truncate" BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION lianggang_append_only()",
        ]
    if vendor == "sqlite":
        return [
            statement
            for op in ("UPDATE", "DELETE")
            for statement in (
                f'DROP TRIGGER IF EXISTS "{table}_no_{op.lower()}"',
                f'CREATE TRIGGER "{table}_no_{op.lower()}" BEFORE {op} ON "{table}" '
                f"WHEN {FUNCTION}() = 0 BEGIN "
                f"SELECT RAISE(ABORT, 'lianggang: {table} is append-only; {op} refused'); END",
            )
        ]
    return []


def drop_append_only_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
            f'DROP TRIGGER IF EXISTS "{table}_append_only_truncate" ON "{table}"',
        ]
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{table}_no_{op}"' for op in ("update", "delete")]
    return []


def protect(*tables: str) -> tuple[Any, Any]:
    """Migration steps (forward, backward) making these tables refuse changes and removals."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for table in tables:
            for statement in append_only_sql(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, params=None)

    def backward(apps: Any, schema_editor: Any) -> None:
        for table in tables:
            for statement in drop_append_only_sql(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, params=None)

    return forward, backward


def _register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    connection.lianggang_maintenance = False
    connection.connection.create_function(
        FUNCTION, 0, lambda: int(bool(getattr(connection, "lianggang_maintenance", False)))
    )


def install() -> None:
    """Give every SQLite connection of the application the function the triggers ask."""
    connection_created.connect(_register_sqlite_function, dispatch_uid="lianggang-dbguard")


@contextmanager
def maintenance(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Lift the append-only refusal for this connection while the block runs."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [SETTING])
            before = cursor.fetchone()[0] or ""
            cursor.execute("SELECT set_config(%s, 'on', false)", [SETTING])
        try:
            yield
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, %s, false)", [SETTING, before])
            except DatabaseError:
                # The block's transaction failed: its rollback undoes the setting as well.
                pass
        return
    was = getattr(connection, "lianggang_maintenance", False)
    setattr(connection, "lianggang_maintenance", True)  # noqa: B010 - set on Django's wrapper
    try:
        yield
    finally:
        setattr(connection, "lianggang_maintenance", was)  # noqa: B010
