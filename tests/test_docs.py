"""The README and docs document every command and setting (datasette's habit)."""

import re
from pathlib import Path

from lianggang.cli import OWN_COMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_two_commands_are_documented() -> None:
    assert "make demo" in README
    assert "make test" in README


def test_every_command_is_documented() -> None:
    for command in OWN_COMMANDS:
        assert f"lianggang {command}" in README, command


def test_every_environment_setting_is_documented() -> None:
    settings = (ROOT / "src/lianggang/config/settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'environ(?:\.get)?\(\s*"([A-Z_]+)"', settings))
    names |= set(re.findall(r'_env_bool\("([A-Z_]+)"', settings))
    assert {"DATABASE_URL", "SECRET_KEY"} <= names
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert not missing, missing


def test_docs_exist() -> None:
    for name in (
        "user-guide.md",
        "methodology.md",
        "deployment.md",
        "security.md",
        "architecture.md",
        "framework-files.md",
    ):
        assert (ROOT / "docs" / name).stat().st_size > 1000
