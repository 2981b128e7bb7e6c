from typing import Any

from django.http import HttpRequest

from lianggang.collection.access import notifications_of
from lianggang.collection.selectors import data_is_demo
from lianggang.demo.label import DEMO_LABEL


def site(request: HttpRequest) -> dict[str, Any]:
    """Put the demo flag on every page: synthetic data is labelled wherever it shows."""
    unread = 0
    if request.user.is_authenticated:
        unread = notifications_of(request.user).filter(read_at=None).count()
    return {
        "is_demo": data_is_demo(),
        "demo_label": DEMO_LABEL,
        "unread_notifications": unread,
    }
