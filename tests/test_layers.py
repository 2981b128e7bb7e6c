"""ARCHITECTURE.md: which app may import which (one direction only)."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "lianggang"
GROUND = {"framework", "orgunits", "accounts"}
# Plain modules beside the apps that every app may use: cell safety, the append-only guard of
# the audit tables, the admin's audited changes.
SHARED = ("cells", "dbguard", "adminaudit")
EDGES = {"web", "api", "cli", "devtools"}
ALLOWED = {
    "framework": set(),
    "orgunits": set(),
    "accounts": set(),
    "collection": GROUND,
    "analytics": GROUND | {"collection"},
    "reports": GROUND | {"analytics", "ledger"},
    "followup": GROUND | {"analytics"},
    "ledger": GROUND,
    "interop": GROUND | {"collection", "analytics"},
    "demo": GROUND | {"collection", "analytics", "ledger"},
}


def _project_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "lianggang" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_domain_apps_import_only_what_they_may(app: str) -> None:
    for path in (SRC / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        wrong = _project_imports(path) - ALLOWED[app] - {app, "config", *SHARED}
        assert not wrong, f"{path.relative_to(SRC)} imports {sorted(wrong)}"
        assert not (_project_imports(path) & EDGES), path


def test_the_engine_is_pure() -> None:
    for path in (SRC / "analytics" / "engine").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                if isinstance(node, ast.ImportFrom) and node.level > 0:
                    continue
                assert not (module or "").startswith(("django", "lianggang")), (path, module)
