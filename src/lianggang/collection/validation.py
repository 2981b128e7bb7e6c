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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from lianggang.framework.models import DataElement, DisaggregationOption
from lianggang.framework.naming import local_name
from lianggang.orgunits.models import OrgUnit

from . import outliers as outlier_method
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
class Item:
    """A data item a finding is about: the element's code, name and unit, and the breakdown."""

    code: str
    name: str
    unit: str
    disaggregation: str = TOTAL
    breakdown: str = ""  # the breakdown's name; "" for the total

    def __str__(self) -> str:
        name = f"{self.name} · {self.breakdown}" if self.breakdown else self.name
        if self.unit:
            return _("%(name)s (%(code)s, %(unit)s)") % {
                "name": name,
                "code": self.code,
                "unit": self.unit,
            }
        return _("%(name)s (%(code)s)") % {"name": name, "code": self.code}


@dataclass(frozen=True)
class Finding:
    """One problem found: ``key`` identifies it for an explanation (ValidationNote).

    ``message`` says what is wrong; ``items``, ``orgunit`` and ``year`` say where (filled in by
    ``validate_many``), and ``text`` says both: the one wording the grid, the upload preview,
    the API and the command line show. ``anchor`` is the id of the first item's row in the
    submission's grid (``row-<code>-<breakdown>``)."""

    key: str
    severity: str
    message: str
    cells: tuple[Cell, ...]
    left: float | None = None
    right: float | None = None
    items: tuple[Item, ...] = ()
    orgunit: str = ""
    year: int | None = None
    submission_id: int | None = None

    @property
    def anchor(self) -> str:
        element, disaggregation = self.cells[0] if self.cells else ("", TOTAL)
        return f"row-{element}-{disaggregation}"

    @property
    def subject(self) -> str:
        """Where: ``康定市 2025年：活产数（live_births，人）``."""
        items = _("; ").join(str(i) for i in self.items) or ", ".join(
            e if d == TOTAL else f"{e}.{d}" for e, d in self.cells
        )
        if not self.orgunit or self.year is None:
            return items
        return _("%(orgunit)s, %(year)s: %(items)s") % {
            "orgunit": self.orgunit,
            "year": self.year,
            "items": items,
        }

    @property
    def compared(self) -> str:
        """A rule's two sides as found (``120 / 100``); "" for the other checks, whose message
        gives the value and what was expected."""
        if not self.key.startswith("rule:") or self.left is None:
            return ""
        return " / ".join(_num(v) for v in (self.left, self.right) if v is not None)

    @property
    def text(self) -> str:
        message = f"{self.message} ({self.compared})" if self.compared else self.message
        return _("%(subject)s — %(message)s") % {"subject": self.subject, "message": message}


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
    """The approved values of these units of the ten years before the latest of ``years``."""
    history: History = {}
    for o, e, d, y, v in DataValue.objects.filter(
        orgunit_id__in=orgunit_ids,
        year__lt=max(years),
        year__gte=min(years) - outlier_method.HISTORY_YEARS,
        submission__state=SubmissionState.APPROVED,
        element__code__in=elements,
    ).values_list("orgunit_id", "element__code", "disaggregation", "year", "value"):
        history.setdefault((o, e, d), {})[y] = v
    return history


@dataclass
class Peers:
    """The units each unit is compared with (the others under the same parent, at its level),
    with their values of the years checked (entered, whatever their state) and history."""

    of: dict[int, list[int]]
    values: History  # (peer, element, disaggregation) -> year -> value (the checked years)
    history: History


def _peers(orgunit_ids: set[int], years: set[int], elements: set[str]) -> Peers:
    units = OrgUnit.objects.filter(pk__in=orgunit_ids).values_list("pk", "parent_id", "level")
    of: dict[int, list[int]] = {}
    for pk, parent, level in units:
        if parent is None:
            of[pk] = []
            continue
        of[pk] = list(
            OrgUnit.objects.filter(parent_id=parent, level=level)
            .exclude(pk=pk)
            .values_list("pk", flat=True)
        )
    ids = {p for ps in of.values() for p in ps}
    values: History = {}
    for o, e, d, y, v in DataValue.objects.filter(
        orgunit_id__in=ids, year__in=years, element__code__in=elements
    ).values_list("orgunit_id", "element__code", "disaggregation", "year", "value"):
        values.setdefault((o, e, d), {})[y] = v
    return Peers(of, values, _history(ids, years, elements) if ids else {})


def _limits() -> outlier_method.Limits:
    return outlier_method.Limits(
        z=float(getattr(settings, "LIANGGANG_OUTLIER_Z", outlier_method.Z_LIMIT)),
        change=float(getattr(settings, "LIANGGANG_OUTLIER_CHANGE", outlier_method.CHANGE_LIMIT)),
    )


def outliers(
    submission: Submission,
    values: Mapping[Cell, float],
    cells: Iterable[Cell] | None = None,
    history: History | None = None,
    peers: Peers | None = None,
    integer: Mapping[str, bool] | None = None,
) -> list[Finding]:
    """Values far from what the unit's own trend and this year's change in the other units lead
    one to expect, values identical to last year's where a repeat is unlikely, and fractions in
    whole-number items (``collection.outliers`` describes the method)."""
    limits = _limits()
    year = submission.round.year
    wanted = set(cells) if cells is not None else set(values)
    elements = {e for e, _d in wanted}
    if history is None:
        history = _history({submission.orgunit_id}, {year}, elements)
    if peers is None:
        peers = _peers({submission.orgunit_id}, {year}, elements)
    if integer is None:
        integer = dict(DataElement.objects.filter(code__in=elements).values_list("code", "integer"))
    findings = []
    for cell in sorted(wanted):
        x = values.get(cell)
        if x is None:
            continue
        whole = bool(integer.get(cell[0], False))
        own = history.get((submission.orgunit_id, *cell), {})
        fitted = outlier_method.fit(own, year, integer=whole)
        deviations = []
        for peer in peers.of.get(submission.orgunit_id, []):
            value = peers.values.get((peer, *cell), {}).get(year)
            past = peers.history.get((peer, *cell))
            if value is None or not past:
                continue
            peer_fit = outlier_method.fit(past, year, integer=whole)
            if peer_fit is not None:
                deviations.append(outlier_method.deviation(peer_fit, value))
        verdict = outlier_method.check(
            x,
            year,
            own,
            integer=whole,
            shift=outlier_method.peer_shift(deviations),
            limits=limits,
            fitted=fitted,
        )
        if verdict is not None:
            findings.append(_outlier_finding(cell, verdict))
    return findings


def _outlier_finding(cell: Cell, verdict: outlier_method.Verdict) -> Finding:
    shown = {
        "value": _num(verdict.value),
        "expected": _num(verdict.expected),
        "low": _num(verdict.low),
        "high": _num(verdict.high),
    }
    if verdict.kind == outlier_method.FRACTION:
        message = _("%(value)s is not a whole number, but this data item counts whole units.")
    elif verdict.kind == outlier_method.REPEAT:
        message = _(
            "%(value)s is exactly last year's value, which this series has never repeated "
            "before: copied from last year?"
        )
    else:
        message = _(
            "%(value)s is far from the expected %(expected)s (from this unit's own trend and "
            "this year's change in the other units; %(low)s to %(high)s would pass)."
        )
        hint = _slip_hint(verdict.ratio)
        if hint:
            message = f"{message} {hint}"
    return Finding(
        f"{verdict.kind}:{cell[0]}:{cell[1]}",
        Severity.WARNING,
        message % shown,
        (cell,),
        verdict.value,
        verdict.expected,
    )


def _slip_hint(ratio: float) -> str:
    """A unit slip's hint when the value is about 10, 100… times (or a 10th…) the expected."""
    if not math.isfinite(ratio) or ratio <= 0:
        return ""
    power = round(math.log10(ratio))
    if power == 0 or abs(math.log10(ratio) - power) > 0.15 or abs(power) > 4:
        return ""
    factor = f"{10 ** abs(power):,}"
    if power > 0:
        return _("About %(factor)s times the expected value: entered in the wrong unit?") % {
            "factor": factor
        }
    return _("About 1/%(factor)s of the expected value: entered in the wrong unit?") % {
        "factor": factor
    }


def _num(x: float) -> str:
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.4g}" if abs(x) < 1000 else str(round(x))


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
    checked = {e for cs in wanted.values() for e, _d in cs}
    history = _history(orgunit_ids, years, checked)
    peers = _peers(orgunit_ids, years, checked)
    for (o, y), own in values.items():  # the peers' values as this change would leave them
        if o in {p for ps in peers.of.values() for p in ps}:
            for key in [k for k in peers.values if k[0] == o]:
                peers.values[key].pop(y, None)
            for (e, d), v in own.items():
                peers.values.setdefault((o, e, d), {})[y] = v
    where = _Where(checked | {e for rule in rules for e in rule.elements})
    integer = {code: element.integer for code, element in where.elements.items()}
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
        findings += outliers(sub, own, wanted[sub.pk], history, peers, integer)
        result[sub.pk] = [where.locate(f, sub) for f in findings]
    return result


class _Where:
    """What a finding needs to say where it is: the elements' names and units, the breakdowns'
    names, read once."""

    def __init__(self, codes: set[str]) -> None:
        self.elements = {e.code: e for e in DataElement.objects.filter(code__in=codes)}
        self.options = {o.code: o for o in DisaggregationOption.objects.all()}

    def locate(self, finding: Finding, submission: Submission) -> Finding:
        items = []
        for code, disaggregation in finding.cells:
            element = self.elements.get(code)
            option = self.options.get(disaggregation)
            items.append(
                Item(
                    code=code,
                    name=local_name(element) if element else code,
                    unit=element.unit if element else "",
                    disaggregation=disaggregation,
                    breakdown=local_name(option) if option and disaggregation != TOTAL else "",
                )
            )
        return replace(
            finding,
            items=tuple(items),
            orgunit=local_name(submission.orgunit),
            year=submission.round.year,
            submission_id=submission.pk,
        )
