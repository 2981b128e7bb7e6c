"""The lint that keeps every scoped query of the request-facing code behind an access function."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps

from lianggang.devtools import check_access
from lianggang.devtools.check_access import PACKAGE, PUBLIC_MODELS, SCOPED_MODELS, problems_in

PLANTED = PACKAGE / "web" / "planted_view.py"


def test_the_edges_query_scoped_models_only_through_access_functions() -> None:
    problems = [p for f in check_access.edge_files() for p in problems_in(f)]
    assert problems == []


@pytest.mark.parametrize(
    "source",
    [
        "from lianggang.collection.models import Submission\nSubmission.objects.all()\n",
        "from lianggang.collection.models import DataValue as DV\nDV._default_manager.first()\n",
        "from lianggang.ledger import models\nmodels.RightsCase.objects.filter(pk=1)\n",
        "from django.shortcuts import get_object_or_404\n"
        "from ..reports.models import ReportRun\nget_object_or_404(ReportRun, pk=1)\n",
        "from lianggang.accounts.models import ApiToken\ndef f():\n    return ApiToken.objects\n",
    ],
)
def test_a_direct_query_of_a_scoped_model_is_reported_with_its_line(source: str) -> None:
    problems = problems_in(PLANTED, source)
    assert len(problems) == 1
    assert problems[0].startswith("lianggang/web/planted_view.py:")
    assert "is scoped" in problems[0]


def test_public_models_and_access_functions_pass() -> None:
    source = (
        "from lianggang.framework.models import Indicator\n"
        "from lianggang.collection.access import submissions_visible_to\n"
        "Indicator.objects.all()\nsubmissions_visible_to(None).filter(pk=1)\n"
    )
    assert problems_in(PLANTED, source) == []


def test_the_command_fails_on_a_violation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check_access.main([]) == 0
    planted = tmp_path / "planted.py"
    planted.write_text("from lianggang.collection.models import Submission\nSubmission.objects\n")
    assert check_access.main([str(planted)]) == 1
    assert "planted.py:2: Submission is scoped" in capsys.readouterr().err


def test_every_model_is_classified_scoped_or_public() -> None:
    classified = {
        (module, name)
        for table in (SCOPED_MODELS, PUBLIC_MODELS)
        for module, names in table.items()
        for name in names
    }
    project = {
        (m.__module__, m.__name__)
        for m in apps.get_models()
        if m.__module__.startswith("lianggang.") and not m._meta.abstract
    }
    assert project - classified == set(), "classify the new model in check_access.py"
    assert classified - project == set(), "a classified model no longer exists"
