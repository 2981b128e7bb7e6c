"""docs/architecture.md: which app may import which (one direction only), read from the
document's own declaration."""

import ast
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "lianggang"
DOC = ROOT / "docs" / "architecture.md"


def declaration() -> dict[str, Any]:
    """The layers as docs/architecture.md declares them, between its two markers."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- layers:begin -->", 1)[1].split("<!-- layers:end -->", 1)[0]
    body = block.strip().removeprefix("```yaml").removesuffix("```")
    layers: dict[str, Any] = yaml.safe_load(body)
    return layers


LAYERS = declaration()
GROUND = set(LAYERS["ground"])
SHARED = set(LAYERS["shared"])
EDGES = set(LAYERS["edges"])
ALLOWED = {
    app: set().union(*(GROUND if name == "ground" else {name} for name in allowed))
    for app, allowed in LAYERS["apps"].items()
}


def test_the_declaration_names_every_part_of_the_package() -> None:
    parts = {p.stem for p in SRC.iterdir() if p.name != "__init__.py" and p.suffix in ("", ".py")}
    parts -= {"__pycache__", "data", "locale", "templates", "static"}
    declared = set(ALLOWED) | SHARED | EDGES
    assert parts == declared, (sorted(parts - declared), sorted(declared - parts))
    for allowed in ALLOWED.values():
        assert allowed <= set(ALLOWED), allowed


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
    root = SRC / app
    for path in root.rglob("*.py") if root.is_dir() else [root.with_suffix(".py")]:
        if "migrations" in path.parts:
            continue
        wrong = _project_imports(path) - ALLOWED[app] - {app, *SHARED}
        assert not wrong, f"{path.relative_to(SRC)} imports {sorted(wrong)}"
        assert not (_project_imports(path) & EDGES), path


@pytest.mark.parametrize("package", LAYERS["pure"])
def test_pure_packages_import_neither_django_nor_the_project(package: str) -> None:
    for path in SRC.joinpath(*package.split(".")).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                if isinstance(node, ast.ImportFrom) and node.level > 0:
                    continue
                assert not (module or "").startswith(("django", "lianggang")), (path, module)


def test_a_wrong_import_is_found(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from lianggang.web.views import figures\nimport lianggang.ledger.models\n")
    assert _project_imports(module) == {"web", "ledger"}
    assert _project_imports(module) - ALLOWED["collection"] - SHARED == {"web", "ledger"}
