import pytest

from lianggang.collection.models import DataValue, SubmissionState
from lianggang.collection.selectors import data_is_demo, datavalues_approved

pytestmark = pytest.mark.django_db


def test_only_approved_values_feed_figures() -> None:
    total = datavalues_approved().count()
    submission = DataValue.objects.first().submission  # type: ignore[union-attr]
    n = submission.values.count()
    submission.state = SubmissionState.SUBMITTED
    submission.save()
    assert datavalues_approved().count() == total - n


def test_demo_flag() -> None:
    assert data_is_demo()
