"""Reads of collected data."""

from django.db.models import QuerySet

from .models import DataValue, Round, SubmissionState


def datavalues_approved() -> QuerySet[DataValue]:
    """Values that feed official figures: those of approved submissions."""
    return DataValue.objects.filter(submission__state=SubmissionState.APPROVED)


def data_is_demo() -> bool:
    """Whether any figure shown comes from synthetic demo data."""
    return Round.objects.filter(is_demo=True).exists()
