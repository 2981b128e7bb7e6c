import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from lianggang.collection.bulk import COPY_FROM, insert_values, update_rows
from lianggang.collection.models import DataValue, DataValueAudit, Submission
from lianggang.collection.services import round_open
from lianggang.framework.models import DataElement

pytestmark = pytest.mark.django_db


def test_many_rows_are_inserted_then_updated_with_every_field() -> None:
    """On PostgreSQL through COPY and UPDATE … FROM unnest; elsewhere through the ORM."""
    root = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    subs = list(Submission.objects.filter(round=rnd))
    element = DataElement.objects.get(code="live_births")
    values = [
        {
            "element_id": element.pk,
            "orgunit_id": s.orgunit_id,
            "year": 2026 + i,
            "disaggregation": "total",
            "value": i + 0.5,
            "comment": "批量",
            "submission_id": s.pk,
            "updated_by_id": root.pk,
        }
        for i, s in ((i, subs[i % len(subs)]) for i in range(COPY_FROM + 100))
    ]
    audits = [
        {
            "element_id": element.pk,
            "orgunit_id": v["orgunit_id"],
            "year": v["year"],
            "disaggregation": "total",
            "submission_id": v["submission_id"],
            "old_value": None,
            "new_value": v["value"],
            "actor_id": root.pk,
            "channel": "excel",
        }
        for v in values
    ]
    assert len(values) >= COPY_FROM
    insert_values(DataValue, values)
    insert_values(DataValueAudit, audits)
    stored = DataValue.objects.filter(comment="批量")
    assert stored.count() == len(values)
    first = stored.get(year=2026)
    # Fields a row leaves out take their defaults (version 1, the time now).
    assert (first.value, first.version, first.updated_by_id) == (0.5, 1, root.pk)
    assert first.updated_at is not None
    saved = DataValueAudit.objects.filter(channel="excel", year__gte=2026)
    assert saved.count() == len(audits)
    assert not saved.filter(at__isnull=True).exists()

    rows = list(stored.order_by("year"))
    for row in rows:
        row.value = -row.value
        row.comment = "改过 'quoted'"
        row.version = 7
    update_rows(rows[:-1], ["value", "comment", "version", "updated_by", "updated_at"])
    again = dict(stored.model.objects.filter(year__gte=2026).values_list("year", "value"))
    assert again[2026] == -0.5
    assert again[2026 + len(rows) - 1] == len(rows) - 1 + 0.5  # the one left out is as it was
    changed = DataValue.objects.filter(comment="改过 'quoted'")
    assert changed.count() == len(rows) - 1
    assert set(changed.values_list("version", flat=True)) == {7}
