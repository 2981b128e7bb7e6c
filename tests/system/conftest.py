"""Tests that commit run on a database emptied after each of them: each starts from the
org units, the framework, the data sets and the validation rules (not the demo data)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _ground(transactional_db: Any) -> None:
    from lianggang.collection.services import data_sets_ensure, validation_rules_load
    from lianggang.framework.services import framework_load
    from lianggang.orgunits.models import OrgUnit
    from lianggang.orgunits.services import orgunits_load

    if not OrgUnit.objects.exists():
        orgunits_load()
        framework_load()
        data_sets_ensure()
        validation_rules_load()
