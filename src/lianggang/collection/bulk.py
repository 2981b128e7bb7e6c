"""Insert many rows at once: COPY on PostgreSQL, bulk_create elsewhere.

COPY writes ten thousand rows in a fraction of the time of batched INSERTs; the rows' primary
keys are not read back, so it serves only rows nobody needs to refer to in the same breath.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model

COPY_FROM = 500  # below this, bulk_create is as quick and simpler


def insert_rows(objs: Sequence[Model]) -> None:
    """Insert unsaved model instances of one model (their primary keys stay unset)."""
    if not objs:
        return
    model = type(objs[0])
    db = connections[router.db_for_write(model)]
    if db.vendor != "postgresql" or len(objs) < COPY_FROM:
        model._default_manager.bulk_create(objs, batch_size=2000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Plain attribute values (psycopg adapts them); auto_now dates through the field itself.
    stamped = {
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    columns = ", ".join(db.ops.quote_name(str(f.column)) for f in fields)
    table = db.ops.quote_name(model._meta.db_table)
    with db.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [
                        f.pre_save(obj, add=True)
                        if f.attname in stamped
                        else getattr(obj, f.attname)
                        for f in fields
                    ]
                )
