"""Validation of entered values: rules (left operator right) and outliers against history.

Expressions are data element codes combined with + − × ÷ (or + - * /), parentheses and numbers;
``element.option`` names a breakdown (``maternal_deaths.urban``). The full-width forms typed with
a Chinese input method (＋ － （ ） ０–９) are read as their ASCII forms. They are parsed with
Python's ``ast`` and only those nodes are accepted.

>>> e = Expression("maternal_deaths.urban + maternal_deaths.rural")
>>> sorted(e.references)
[('maternal_deaths', 'rural'), ('maternal_deaths', 'urban')]
>>> e.evaluate({("maternal_deaths", "urban"): 1.0, ("maternal_deaths", "rural"): 2.0})
3.0
>>> Expression("（a － b）× 2 ÷ 4").evaluate({("a", "total"): 5.0, ("b", "total"): 1.0})
2.0

A rule is checked when saved (``ValidationRule.clean``, ``validation_rules_load``) by
``rule_problems``; a rule that still cannot be used at validation time (stored before that check,
or naming an element since removed) is skipped and logged, never failing the other rules.
"""

from __future__ import annotations

import ast
import logging
import math
import operator as op
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from lianggang.framework.models import DataElement, DisaggregationOption

from .models import (
    DataValue,
    MissingValues,
    Operator,
    Severity,
    Submission,
    SubmissionState,
    ValidationRule,
)

logger = logging.getLogger(__name__)

Cell = tuple[str, str]  # element code, disaggregation
TOTAL = "total"
_BINOPS: dict[type, Any] = {ast.Add: op.add, ast.Sub: op.sub, ast.Mult: op.mul, ast.Div: op.truediv}

# One character for one: a position in the normalised text is the same in the text as typed.
_NORMAL = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},  # full-width ASCII forms
        "\u3000": " ",  # ideographic space
        "\t": " ",
        "\n": " ",
        "\r": " ",
        "×": "*",
        "∗": "*",
        "⋅": "*",
        "÷": "/",
        "∕": "/",
        "−": "-",  # U+2212 minus sign
    }
)
_TOKEN = re.compile(r"\d*\.?\d+(?:[eE][-+]?\d+)?|\w+|\S")


def normalise(text: str) -> str:
    """The expression with × ÷ − and full-width forms as * / - and ASCII (same length).

    >>> normalise("（a＋b）×2÷c−1")
    '(a+b)*2/c-1'
    """
    return text.translate(_NORMAL)


class ExpressionError(ValueError):
    """An expression that cannot be read; the message (translated) says what is wrong."""


def _near(text: str, pos: int) -> str:
    """The token at ``pos`` in ``text`` with the one before it (what a syntax error points at)."""
    tokens = list(_TOKEN.finditer(text))
    if not tokens:
        return text
    at = next((i for i, t in enumerate(tokens) if t.end() > pos), len(tokens) - 1)
    start = tokens[max(at - 1, 0)].start()
    return text[start : tokens[at].end()]


class Expression:
    def __init__(self, text: str) -> None:
        self.text = text
        typed = text.strip()
        source = normalise(typed)
        if not source.strip():
            raise ExpressionError(_("empty expression"))
        self._typed, self._source = typed, source
        depth = 0
        for ch in source:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth < 0:
                break
        if depth:
            raise ExpressionError(_("unbalanced parentheses"))
        try:
            self._tree = ast.parse(source, mode="eval").body
        except SyntaxError as exc:
            pos = (exc.offset or 0) - 1
            if pos < 0 or pos >= len(source):
                raise ExpressionError(
                    _("incomplete expression after “%(text)s”")
                    % {"text": _TOKEN.findall(typed)[-1]}
                ) from exc
            raise ExpressionError(
                _("syntax error at “%(text)s”") % {"text": _near(typed, pos)}
            ) from exc
        self.references: set[Cell] = set()
        self._check(self._tree)

    def _segment(self, node: ast.AST) -> str:
        """The node's text as typed (ast columns count UTF-8 bytes; the expression is one line)."""
        raw = self._source.encode()
        start = len(raw[: node.col_offset].decode())  # type: ignore[attr-defined]
        end = len(raw[: node.end_col_offset].decode())  # type: ignore[attr-defined]
        return self._typed[start:end]

    def _check(self, node: ast.AST) -> None:
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            self._check(node.left)
            self._check(node.right)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            self._check(node.operand)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            pass
        elif isinstance(node, ast.Name):
            self.references.add((node.id, TOTAL))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            self.references.add((node.value.id, node.attr))
        else:
            raise ExpressionError(
                _(
                    "only data element codes, numbers, + − × ÷ and parentheses are allowed, "
                    "not “%(text)s”"
                )
                % {"text": self._segment(node)}
            )

    def unknown(self, known: Known) -> list[str]:
        """What this expression names that is not defined: elements, breakdowns of elements."""
        problems = []
        for element, option in sorted(self.references):
            if element not in known:
                problems.append(_("unknown data element “%(element)s”") % {"element": element})
            elif option not in known[element]:
                problems.append(
                    _("data element “%(element)s” has no breakdown “%(option)s”")
                    % {"element": element, "option": option}
                )
        return problems

    def evaluate(
        self, values: Mapping[Cell, float], *, missing_as_zero: bool = False
    ) -> float | None:
        """Return the value, or None when a referenced value is missing (unless taken as 0)."""

        def ev(node: ast.AST) -> float | None:
            if isinstance(node, ast.BinOp):
                a, b = ev(node.left), ev(node.right)
                if a is None or b is None:
                    return None
                if isinstance(node.op, ast.Div) and b == 0:
                    return None
                return float(_BINOPS[type(node.op)](a, b))
            if isinstance(node, ast.UnaryOp):
                v = ev(node.operand)
                return None if v is None else -v
            if isinstance(node, ast.Constant):
                assert isinstance(node.value, int | float)
                return float(node.value)
            cell = (
                (node.id, TOTAL) if isinstance(node, ast.Name) else (node.value.id, node.attr)  # type: ignore[attr-defined]
            )
            if cell in values:
                return values[cell]
            return 0.0 if missing_as_zero else None

        return ev(self._tree)


Known = Mapping[str, frozenset[str]]  # element code -> the breakdowns it may carry ("total" too)


def known_elements() -> dict[str, frozenset[str]]:
    """Every data element with the breakdown options of its categories (and ``total``)."""
    options_of: dict[str, set[str]] = {}
    for category, option in DisaggregationOption.objects.values_list("category__code", "code"):
        options_of.setdefault(category, set()).add(option)
    return {
        code: frozenset({TOTAL, *(o for c in (cats or []) for o in options_of.get(c, ()))})
        for code, cats in DataElement.objects.values_list("code", "disaggregations")
    }


def expression_problems(text: str, known: Known) -> list[str]:
    """What is wrong with one expression (syntax, or names not defined); empty when nothing."""
    try:
        return Expression(text).unknown(known)
    except ExpressionError as exc:
        return [str(exc)]


def rule_problems(rule: ValidationRule, known: Known | None = None) -> list[tuple[str, str]]:
    """(field, message) for each problem of a rule's expressions; the message names the rule's
    code, the side and the problem: ``births-ratio: left: unknown data element “birth_total”``."""
    known = known_elements() if known is None else known
    code = rule.code or "?"
    found = []
    for field, side in (
        ("left", _("%(rule)s: left: %(problem)s")),
        ("right", _("%(rule)s: right: %(problem)s")),
    ):
        for problem in expression_problems(str(getattr(rule, field)), known):
            found.append((field, side % {"rule": code, "problem": problem}))
    return found


@dataclass(frozen=True)
class Finding:
    """One problem found: ``key`` identifies it for an explanation (ValidationNote)."""

    key: str
    severity: str
    message: str
    cells: tuple[Cell, ...]
    left: float | None = None
    right: float | None = None


_COMPARE = {
    Operator.EQ: lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9),
    Operator.NE: lambda a, b: not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9),
    Operator.LT: lambda a, b: a < b,
    Operator.LE: lambda a, b: a <= b + 1e-9,
    Operator.GT: lambda a, b: a > b,
    Operator.GE: lambda a, b: a + 1e-9 >= b,
}


def check_rule(rule: ValidationRule, values: Mapping[Cell, float]) -> Finding | None:
    """Return a finding when the rule fails on these values, else None."""
    left, right = Expression(rule.left), Expression(rule.right)
    refs = left.references | right.references
    present = [c for c in refs if c in values]
    if rule.operator == Operator.BOTH_OR_NEITHER:
        left_has = any(c in values for c in left.references)
        right_has = any(c in values for c in right.references)
        if left_has == right_has:
            return None
        return Finding(f"rule:{rule.code}", rule.severity, rule.message, tuple(sorted(refs)))
    if rule.missing == MissingValues.SKIP_IF_ANY and len(present) < len(refs):
        return None
    if rule.missing == MissingValues.SKIP_IF_ALL and not present:
        return None
    zero = rule.missing != MissingValues.SKIP_IF_ANY
    a = left.evaluate(values, missing_as_zero=zero)
    b = right.evaluate(values, missing_as_zero=zero)
    if a is None or b is None or _COMPARE[Operator(rule.operator)](a, b):
        return None
    return Finding(f"rule:{rule.code}", rule.severity, rule.message, tuple(sorted(refs)), a, b)


@dataclass(frozen=True)
class CompiledRule:
    rule: ValidationRule
    elements: frozenset[str]


def compiled_rules(known: Known | None = None) -> list[CompiledRule]:
    """The enabled rules with the elements each refers to (parsed once per call).

    A rule that cannot be used (it does not parse, or names an element or a breakdown not
    defined) is left out and logged: it never stops the other rules. The admin's list of
    validation rules shows the problem.
    """
    known = known_elements() if known is None else known
    result = []
    for rule in ValidationRule.objects.filter(enabled=True):
        try:
            left, right = Expression(rule.left), Expression(rule.right)
            problems = left.unknown(known) + right.unknown(known)
        except ExpressionError as exc:
            problems = [str(exc)]
        if problems:
            logger.warning("validation rule %s skipped: %s", rule.code, "; ".join(problems))
            continue
        refs = left.references | right.references
        result.append(CompiledRule(rule, frozenset(e for e, _d in refs)))
    return result


def _checked(rule: ValidationRule, values: Mapping[Cell, float]) -> Finding | None:
    """check_rule, but a rule that fails (a stored operator not known…) is skipped and logged."""
    try:
        return check_rule(rule, values)
    except (ExpressionError, ValueError, KeyError, TypeError, ArithmeticError) as exc:
        logger.warning("validation rule %s skipped: %s", rule.code, exc)
        return None


def rules_for(
    elements: Iterable[str], rules: list[CompiledRule] | None = None
) -> list[ValidationRule]:
    """The enabled rules that involve any of these elements."""
    codes = set(elements)
    return [
        c.rule for c in (rules if rules is not None else compiled_rules()) if c.elements & codes
    ]


History = dict[tuple[int, str, str], dict[int, float]]  # (orgunit, element, disagg) -> year -> v


def _history(orgunit_ids: set[int], years: set[int], elements: set[str]) -> History:
    history: History = {}
    for o, e, d, y, v in DataValue.objects.filter(
        orgunit_id__in=orgunit_ids,
        year__lt=max(years),
        year__gte=min(years) - 10,
        submission__state=SubmissionState.APPROVED,
        element__code__in=elements,
    ).values_list("orgunit_id", "element__code", "disaggregation", "year", "value"):
        history.setdefault((o, e, d), {})[y] = v
    return history


def outliers(
    submission: Submission,
    values: Mapping[Cell, float],
    cells: Iterable[Cell] | None = None,
    history: History | None = None,
) -> list[Finding]:
    """Values far from the unit's own approved history (robust z) or from last year."""
    z_limit = float(getattr(settings, "LIANGGANG_OUTLIER_Z", 3.5))
    change_limit = float(getattr(settings, "LIANGGANG_OUTLIER_CHANGE", 0.5))
    year = submission.round.year
    wanted = set(cells) if cells is not None else set(values)
    if history is None:
        history = _history({submission.orgunit_id}, {year}, {e for e, _d in wanted})
    findings = []
    for cell in sorted(wanted):
        x = values.get(cell)
        past = {
            y: v
            for y, v in history.get((submission.orgunit_id, cell[0], cell[1]), {}).items()
            if year - 10 <= y < year
        }
        if x is None or not past:
            continue
        series = list(past.values())
        if len(series) >= 3:
            median = statistics.median(series)
            mad = statistics.median(abs(v - median) for v in series)
            if mad > 0 and 0.6745 * abs(x - median) / mad > z_limit:
                findings.append(
                    Finding(
                        f"outlier:{cell[0]}:{cell[1]}",
                        Severity.WARNING,
                        _("%(value)s is far from this unit's usual level (median %(median)s).")
                        % {"value": _num(x), "median": _num(median)},
                        (cell,),
                        x,
                        median,
                    )
                )
                continue
        prev = past.get(year - 1)
        if prev is not None and max(abs(prev), abs(x)) >= 20 and prev != 0:
            change = (x - prev) / abs(prev)
            if abs(change) > change_limit:
                findings.append(
                    Finding(
                        f"change:{cell[0]}:{cell[1]}",
                        Severity.WARNING,
                        _("%(value)s changed by %(change)s%% from last year's %(previous)s.")
                        % {
                            "value": _num(x),
                            "change": f"{change * 100:+.0f}",
                            "previous": _num(prev),
                        },
                        (cell,),
                        x,
                        prev,
                    )
                )
    return findings


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.4g}"


def validate_submission(
    submission: Submission, cells: Iterable[Cell] | None = None
) -> list[Finding]:
    """Check the rules and outliers touching a submission's elements (or only these cells)."""
    return validate_many([(submission, cells)])[submission.pk]


def validate_many(
    items: Sequence[tuple[Submission, Iterable[Cell] | None]],
    pending: Mapping[int, Mapping[Cell, float | None]] | None = None,
) -> dict[int, list[Finding]]:
    """validate_submission for many submissions, with the rules, values and history read once.

    ``pending`` (submission id → cell → value, None for a cleared cell) checks values as they
    would be after changes not yet written: the preview of an upload.
    """
    if not items:
        return {}
    rules = compiled_rules()
    orgunit_ids = {s.orgunit_id for s, _c in items}
    years = {s.round.year for s, _c in items}
    values: dict[tuple[int, int], dict[Cell, float]] = {}
    for o, y, e, d, v in DataValue.objects.filter(
        orgunit_id__in=orgunit_ids, year__in=years
    ).values_list("orgunit_id", "year", "element__code", "disaggregation", "value"):
        values.setdefault((o, y), {})[(e, d)] = v
    for sub, _cells in items:
        for cell, new in (pending or {}).get(sub.pk, {}).items():
            own = values.setdefault((sub.orgunit_id, sub.round.year), {})
            if new is None:
                own.pop(cell, None)
            else:
                own[cell] = new
    wanted: dict[int, set[Cell]] = {}
    for sub, cells in items:
        own = values.get((sub.orgunit_id, sub.round.year), {})
        if cells is not None:
            wanted[sub.pk] = set(cells)
        else:
            codes = {e.code for e in sub.data_set.elements.all()}
            wanted[sub.pk] = {c for c in own if c[0] in codes}
    history = _history(orgunit_ids, years, {e for cs in wanted.values() for e, _d in cs})
    result = {}
    for sub, cells in items:
        own = values.get((sub.orgunit_id, sub.round.year), {})
        elements = (
            {e for e, _d in wanted[sub.pk]}
            if cells is not None
            else {e.code for e in sub.data_set.elements.all()}
        )
        findings = [
            f for rule in rules_for(elements, rules) if (f := _checked(rule, own)) is not None
        ]
        result[sub.pk] = findings + outliers(sub, own, wanted[sub.pk], history)
    return result
