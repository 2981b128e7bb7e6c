"""The engine modules' examples run as tests."""

import doctest
import importlib
import pkgutil

import pytest

import lianggang.analytics.engine as engine

MODULES = [m.name for m in pkgutil.iter_modules(engine.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(f"{engine.__name__}.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0


def test_the_examples_exist() -> None:
    counted = sum(
        doctest.testmod(importlib.import_module(f"{engine.__name__}.{n}")).attempted
        for n in MODULES
    )
    assert counted >= 10
