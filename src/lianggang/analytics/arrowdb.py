"""Bulk paths between the database and Arrow tables: COPY on PostgreSQL, plain cursors on SQLite.

The analytics store reads every approved value and writes every figure; at national scale that
is tens of millions of rows, which ORM row iteration cannot carry. On PostgreSQL both directions
use ``COPY … (FORMAT csv)`` on Django's own connection (so they see the current transaction),
with the CSV parsed and written by Arrow's C++ reader and writer, streamed in blocks.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet

BLOCK = 1 << 22


class _CopyStream(io.RawIOBase):
    """A readable file over the blocks a psycopg COPY yields."""

    def __init__(self, blocks: Iterator[Any]) -> None:
        self._blocks = blocks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = memoryview(next(self._blocks))
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def read_arrow(queryset: QuerySet[Any], schema: pa.Schema) -> pa.Table:
    """Run a ``values_list`` queryset and return its rows as an Arrow table of ``schema``."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter on an empty list: Django knows there are no rows
        return schema.empty_table()
    return read_sql_arrow(sql, params, schema)


def read_sql_arrow(sql: str, params: Sequence[Any], schema: pa.Schema) -> pa.Table:
    """Run a SELECT and return its rows as an Arrow table of ``schema`` (columns in order)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
                stream = io.BufferedReader(_CopyStream(iter(copy)), BLOCK)
                if not stream.peek(1):
                    return schema.empty_table()
                return pacsv.read_csv(
                    stream,
                    read_options=pacsv.ReadOptions(column_names=schema.names, block_size=BLOCK),
                    convert_options=pacsv.ConvertOptions(
                        column_types=schema, strings_can_be_null=False
                    ),
                )
        cursor.execute(sql, params)
        return rows_table(cursor.fetchall(), schema)


def rows_table(rows: Sequence[Sequence[Any]], schema: pa.Schema) -> pa.Table:
    """Row tuples (in the schema's column order) as an Arrow table; NaN becomes null."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return pa.table(
        {
            f.name: pa.array(list(col), f.type, from_pandas=True)
            for f, col in zip(schema, columns, strict=True)
        }
    )


def write_arrow(model: type[Model], table: pa.Table) -> int:
    """Insert an Arrow table's rows into ``model``'s table; its columns are the field columns."""
    if table.num_rows == 0:
        return 0
    quote = connection.ops.quote_name
    db_table = quote(model._meta.db_table)
    columns = ", ".join(quote(name) for name in table.column_names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {db_table} ({columns}) FROM STDIN (FORMAT csv)") as cp:
                for batch in table.to_batches(max_chunksize=200_000):
                    buffer = io.BytesIO()
                    pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
                    cp.write(buffer.getbuffer())
        else:
            marks = ", ".join(["%s"] * table.num_columns)
            for batch in table.to_batches(max_chunksize=5000):
                cursor.executemany(
                    f"INSERT INTO {db_table} ({columns}) VALUES ({marks})",
                    list(zip(*(c.to_pylist() for c in batch.columns), strict=True)),
                )
    rows: int = table.num_rows
    return rows


@contextmanager
def indexes_deferred(model: type[Model], constraint_types: str = "u") -> Iterator[None]:
    """Drop a table's secondary indexes (and constraints of these types) and rebuild them after.

    A bulk load into a PostgreSQL table is far faster when its indexes are built once at the
    end than when they are maintained row by row. ``constraint_types``: ``u`` unique, ``f``
    foreign key. Elsewhere than on PostgreSQL, it does nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = %s::regclass AND contype = ANY(%s)""",
            [model._meta.db_table, list(constraint_types)],
        )
        constraints = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        cursor.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
               JOIN pg_class i ON i.oid = x.indexrelid
               WHERE x.indrelid = %s::regclass AND NOT x.indisprimary""",
            [model._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("RESET maintenance_work_mem")


def replace_all(model: type[Model], table: pa.Table) -> int:
    """Replace every row of ``model``'s table by ``table``'s, in the current transaction.

    On PostgreSQL the table is truncated and its indexes built once after the copy (see
    :func:`indexes_deferred`); readers wait for the transaction rather than see a half-built
    table.
    """
    quoted = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        verb = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
        cursor.execute(f"{verb} {quoted}")
    with indexes_deferred(model):
        return write_arrow(model, table)
