"""A test-only URLconf: the site's, plus an address whose view fails (the 500 page)."""

from typing import NoReturn

from django.db import connection
from django.http import HttpRequest
from django.urls import path

from lianggang.config import urls as site_urls


def _no_database(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
    raise AssertionError(f"the error page queried the database: {sql}")


def boom(request: HttpRequest) -> NoReturn:
    """Fail, and refuse every query from here on: the 500 page must need none."""
    connection.execute_wrappers.append(_no_database)
    raise RuntimeError("a failing view")


urlpatterns = [path("boom/", boom), path("api/v1/boom", boom), *site_urls.urlpatterns]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500
