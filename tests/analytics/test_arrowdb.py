"""Reading query results into Arrow tables."""

from __future__ import annotations

import pyarrow as pa
import pytest

from lianggang.analytics.arrowdb import read_arrow
from lianggang.collection.models import DataValue

pytestmark = pytest.mark.django_db

SCHEMA = pa.schema([("element", pa.int64()), ("value", pa.float64())])


def test_a_filter_on_an_empty_list_reads_an_empty_table() -> None:
    # Django refuses to write SQL for `__in=[]`; an approval whose indicators have no
    # denominator asked exactly that, and its refresh of the figures failed (found by the
    # concurrent approval test).
    table = read_arrow(
        DataValue.objects.filter(element_id__in=[]).values_list("element_id", "value"), SCHEMA
    )
    assert table.num_rows == 0
    assert table.schema == SCHEMA


def test_rows_are_read_with_the_schema() -> None:
    qs = DataValue.objects.order_by("pk").values_list("element_id", "value")[:5]
    table = read_arrow(qs, SCHEMA)
    assert table.to_pylist() == [{"element": e, "value": v} for e, v in qs]
