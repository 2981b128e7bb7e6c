"""The append-only tables keep their triggers: a migration that rebuilds one of them (SQLite's
schema editor does, to alter a table) must install them again, or this fails."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import connection

from lianggang.dbguard import APPEND_ONLY_TABLES

SRC = Path(__file__).resolve().parent.parent / "src" / "lianggang"


def _triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        else:
            cursor.execute(
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = %s AND NOT t.tgisinternal",
                [table],
            )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_each_append_only_table_has_its_triggers(table: str) -> None:
    expected = (
        {f"{table}_no_update", f"{table}_no_delete"}
        if connection.vendor == "sqlite"
        else {f"{table}_append_only", f"{table}_append_only_truncate"}
    )
    assert expected <= _triggers(table)


def test_the_list_is_what_the_migrations_protect() -> None:
    protected: set[object] = set()
    for path in SRC.glob("*/migrations/*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "protect"
            ):
                protected |= {a.value for a in node.args if isinstance(a, ast.Constant)}
    assert protected == set(APPEND_ONLY_TABLES)
