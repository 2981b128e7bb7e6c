from typing import Any

from django.http import HttpRequest

from lianggang.collection.selectors import data_is_demo


def site(request: HttpRequest) -> dict[str, Any]:
    """Put the demo flag on every page: synthetic data is labelled wherever it shows."""
    return {"is_demo": data_is_demo()}
