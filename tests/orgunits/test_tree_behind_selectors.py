"""The org-unit tree is read through orgunits/selectors.py only: how it is stored (materialised
paths) is known there and where the tree is loaded, nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "lianggang"
ALLOWED = {SRC / "orgunits" / "selectors.py", SRC / "orgunits" / "services.py"}
PATH_LOOKUP = re.compile(r"path__(?:i?startswith|i?contains|i?endswith|in|regex)\b")
PATH_TEXT = re.compile(r"(?<!request)\.path\.(?:split|strip|startswith|endswith|count)\(")


def test_no_module_reads_the_tree_s_paths_itself() -> None:
    found = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in SRC.rglob("*.py")
        if path not in ALLOWED and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PATH_LOOKUP.search(line) or PATH_TEXT.search(line)
    ]
    assert not found, found


def test_the_check_sees_a_path_lookup() -> None:
    assert PATH_LOOKUP.search('qs.filter(orgunit__path__startswith="/51/")')
    assert PATH_TEXT.search("codes = unit.path.split('/')")
    assert not PATH_TEXT.search("if request.path.startswith('/api/'):")
