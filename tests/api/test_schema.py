"""Schemathesis against the OpenAPI document: generated requests to every operation (a bounded
number each), no server error and every response as the document says."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from lianggang.accounts.models import Role
from lianggang.accounts.services import api_token_create
from tests.factories import member

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _one_connection() -> Iterator[None]:
    """Called as a WSGI app, Django would close the database connection after each request,
    the test's transaction with it; keep it open, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token() -> str:
    _t, raw = api_token_create(
        user=member("schema_officer", Role.COMMITTEE_OFFICER, "513300"), name="schemathesis"
    )
    return raw


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_to_its_document(case: Any, token: str) -> None:
    # A request can fit the document and still be refused by the domain's rules (an unknown
    # element, a unit outside the scope): that refusal is a 4xx, checked by the other checks.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
