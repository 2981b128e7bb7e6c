"""The OpenAPI document as clients read it (the served JSON) is valid OpenAPI 3.1, with no key
given twice: Swagger UI refuses a document holding "200" twice under one operation's answers
("Parser error: duplicated mapping key"), where Python's json module keeps the last silently."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

pytestmark = pytest.mark.django_db


def _no_duplicate(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicated, f"keys given twice in the OpenAPI document: {duplicated}"
    return dict(pairs)


def _document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = json.loads(response.content, object_pairs_hook=_no_duplicate)
    return document


def test_the_openapi_document_is_valid() -> None:
    document = _document()
    assert document["openapi"].startswith("3.1")
    try:
        validate(document)
    except OpenAPIValidationError as exc:  # pragma: no cover - the message says where
        pytest.fail(f"invalid OpenAPI document: {exc}")


def test_an_export_has_one_200_answer_with_every_media_type() -> None:
    answers = _document()["paths"]["/api/v1/exports/{what}"]["get"]["responses"]
    content = answers["200"]["content"]
    assert {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/json",
        "application/adx+xml",
        "application/vnd.sdmx.data+csv",
        "application/zip",
    } <= set(content)
    assert content["application/zip"]["schema"] == {"type": "string", "format": "binary"}


def test_the_duplicate_check_sees_a_key_given_twice() -> None:
    with pytest.raises(AssertionError, match="200"):
        json.loads('{"responses": {"200": {}, "200": {}}}', object_pairs_hook=_no_duplicate)
