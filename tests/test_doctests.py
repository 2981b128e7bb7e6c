"""Every example written in the source outside the engine (which has its own test) runs."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
MODULES = sorted(
    ".".join(path.relative_to(SRC).with_suffix("").parts)
    for path in (SRC / "lianggang").rglob("*.py")
    if ">>>" in path.read_text(encoding="utf-8")
    and "migrations" not in path.parts
    and "engine" not in path.parts
)


def test_the_modules_with_examples_are_found() -> None:
    assert {
        "lianggang.errors",
        "lianggang.interop.formats",
        "lianggang.reports.render",
        "lianggang.analytics.status",
        "lianggang.orgunits.selectors",
    } <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
