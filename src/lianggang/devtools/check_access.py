"""Fail when a request-facing module queries a scoped model outside the access functions.

Scoped models hold what belongs to an org unit, a department or a person (submissions, values,
their audit, report runs, tokens, the ledger's records…). A page, an API route, the command
line or an exchange format reaches them only through the choke points that apply the caller's
scope — ``submissions_visible_to``/``access_*`` in ``collection/access.py`` and
``ledger/access.py``, ``reports_visible_to``, ``followups_visible_to``, the selectors of
``accounts`` — or through a domain service handed an object those returned. So in the edge
modules (``web``, ``api``, ``interop``, ``cli``) any ``Model.objects``,
``Model._default_manager`` or ``get_object_or_404(Model, …)`` of a scoped model is an error.

Run as ``python -m lianggang.devtools.check_access [FILE…]`` (``make lint`` does).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent

# Models whose rows are someone's: by the module that defines them. tests/test_access_lint.py
# checks that every model of the project is either here or in PUBLIC_MODELS.
SCOPED_MODELS: dict[str, frozenset[str]] = {
    "lianggang.accounts.models": frozenset({"Membership", "ApiToken"}),
    "lianggang.collection.models": frozenset(
        {
            "Submission",
            "DataValue",
            "DataValueAudit",
            "SubmissionEvent",
            "ValidationNote",
            "PendingImport",
            "Notification",
        }
    ),
    "lianggang.followup.models": frozenset({"FollowUp", "FollowUpEvent"}),
    "lianggang.reports.models": frozenset({"ReportRun"}),
    "lianggang.ledger.models": frozenset(
        {
            "Activity",
            "Project",
            "Honour",
            "Family",
            "FamilyAward",
            "Site",
            "RightsCase",
            "CaseStep",
            "AidRecord",
            "PersonalDataRead",
            "PendingImport",
        }
    ),
}
# Models every signed-in user may read (the framework, the hierarchy, the published figures,
# the rounds' calendar) or that belong to no one.
PUBLIC_MODELS: dict[str, frozenset[str]] = {
    # YearSettings: when a year counts as complete; RebuildRequest: the recalculation under way,
    # which every page's frame says.
    "lianggang.analytics.models": frozenset(
        {"IndicatorValue", "Assessment", "FiguresVersion", "YearSettings", "RebuildRequest"}
    ),
    "lianggang.collection.models": frozenset({"Round", "DataSet", "ValidationRule"}),
    "lianggang.framework.models": frozenset(
        {
            "Outline",
            "Area",
            "Target",
            "DataElement",
            "DisaggregationCategory",
            "DisaggregationOption",
            "Indicator",
            "TargetOverride",
        }
    ),
    "lianggang.orgunits.models": frozenset({"OrgUnit", "Department"}),
}
EDGES = ("web", "api", "interop", "cli")
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})


def edge_files() -> Iterator[Path]:
    for edge in EDGES:
        target = PACKAGE / edge
        if target.is_file():
            yield target
        else:
            yield from sorted(target.rglob("*.py"))


def _module_of(node: ast.ImportFrom, path: Path) -> str:
    if not node.level:
        return node.module or ""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    base = parts[: len(parts) - node.level]
    return ".".join(base + ([node.module] if node.module else []))


def _scoped_names(tree: ast.AST, path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Names bound to scoped models in this module, and names bound to their modules."""
    names: dict[str, str] = {}
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _module_of(node, path)
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name in SCOPED_MODELS.get(module, ()):
                    names[local] = f"{module}.{alias.name}"
                elif f"{module}.{alias.name}" in SCOPED_MODELS:
                    modules[local] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in SCOPED_MODELS:
                    modules[alias.asname or alias.name] = alias.name
    return names, modules


def _model_of(node: ast.expr, names: dict[str, str], modules: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = node.value
        dotted = ast.unparse(owner)
        module = modules.get(dotted)
        if module is not None and node.attr in SCOPED_MODELS[module]:
            return f"{module}.{node.attr}"
    return None


def problems_in(path: Path, source: str | None = None) -> list[str]:
    source = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(source, filename=str(path))
    names, modules = _scoped_names(tree, path)
    found: list[str] = []
    for node in ast.walk(tree):
        model: str | None = None
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = _model_of(node.value, names, modules)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
        ):
            model = _model_of(node.args[0], names, modules)
        if model is not None:
            where = (
                path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE.parent) else path
            )
            line = getattr(node, "lineno", 0)
            found.append(
                f"{where}:{line}: {model.rsplit('.', 1)[1]} is scoped: query it through "
                "its access function (collection/access.py, ledger/access.py, …), not directly"
            )
    return found


def main(argv: Iterable[str] | None = None) -> int:
    files = [Path(a).resolve() for a in (argv or [])] or list(edge_files())
    problems = [p for f in files for p in problems_in(f)]
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
