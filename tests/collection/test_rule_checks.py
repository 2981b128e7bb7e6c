"""Validation rules are checked when saved (admin, rule file); × ÷ − and full-width forms are
read as * / -; a rule that still cannot be used is skipped and logged, never failing the others."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from lianggang.accounts.models import Role
from lianggang.collection.models import Round, Submission, ValidationRule
from lianggang.collection.services import (
    Entry,
    RuleFileError,
    datavalues_save,
    round_open,
    validation_rules_load,
)
from lianggang.collection.validation import (
    Expression,
    ExpressionError,
    rule_problems,
    validate_submission,
)
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The messages are checked in English; their Chinese is the catalogue's.
    with translation.override("en"):
        yield


ADD_URL = "/admin/collection/validationrule/add/"
LIST_URL = "/admin/collection/validationrule/"
VALUES = {("a", "total"): 12.0, ("b", "total"): 4.0, ("a", "urban"): 5.0}


@pytest.mark.parametrize(
    ("typed", "ascii_form", "expected"),
    [
        ("a × 2", "a * 2", 24.0),
        ("a ÷ b", "a / b", 3.0),
        ("a − b", "a - b", 8.0),  # U+2212 minus sign
        ("−a", "-a", -12.0),
        ("a ＋ b", "a + b", 16.0),
        ("a － b", "a - b", 8.0),
        ("（a ＋ b）× 2", "(a + b) * 2", 32.0),
        ("a×b÷（b－a．urban）", "a*b/(b-a.urban)", -48.0),
        ("a × ２．５", "a * 2.5", 30.0),
    ],
)
def test_typed_operators_evaluate_as_their_ascii_forms(
    typed: str, ascii_form: str, expected: float
) -> None:
    assert Expression(typed).references == Expression(ascii_form).references
    assert Expression(typed).evaluate(VALUES) == Expression(ascii_form).evaluate(VALUES)
    assert Expression(typed).evaluate(VALUES) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("births_total × × 2", "syntax error at “× ×”"),
        ("(a + b", "unbalanced parentheses"),
        ("a +", "incomplete expression after “+”"),
        ("a ** 2", "not “a ** 2”"),
        ("  ", "empty expression"),
    ],
)
def test_an_unreadable_expression_says_where(text: str, shown: str) -> None:
    with pytest.raises(ExpressionError) as info:
        Expression(text)
    assert shown in str(info.value)


def test_the_shipped_rules_have_no_problems() -> None:
    rules = list(ValidationRule.objects.all())
    assert len(rules) > 10
    assert [p for r in rules for p in rule_problems(r)] == []


def _form(**changes: str) -> dict[str, str]:
    data = {
        "code": "births-ratio",
        "left": "live_births",
        "operator": "<=",
        "right": "population_total × 0.04",
        "missing": "skip_if_any",
        "severity": "warning",
        "message": "活产数偏高",
        "enabled": "on",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_the_admin_refuses_a_rule_naming_an_unknown_element(admin_client: Any) -> None:
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(ADD_URL, _form(left="birth_total"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "births-ratio: left: unknown data element “birth_total”" in page
    assert not ValidationRule.objects.filter(code="births-ratio").exists()

    response = admin_client.post(ADD_URL, _form(right="live_births × × 2"))
    assert response.status_code == 200
    assert "births-ratio: right: syntax error at “× ×”" in response.content.decode()
    response = admin_client.post(ADD_URL, _form(right="live_births.downtown"))
    assert "births-ratio: right: data element “live_births” has no breakdown “downtown”" in (
        response.content.decode()
    )
    assert not ValidationRule.objects.filter(code="births-ratio").exists()

    response = admin_client.post(ADD_URL, _form(left="live_births.urban"))
    assert response.status_code == 302, response.content.decode()
    assert ValidationRule.objects.get(code="births-ratio").right == "population_total × 0.04"


def _write_rules(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "validation.yaml"
    path.write_text("rules:\n" + "".join(f"  - {line}\n" for line in lines), encoding="utf-8")
    return path


GOOD_RULE = (
    "{code: births-twice, left: live_births × 2, operator: '>=', right: live_births,"
    " severity: warning, message: 不可能}"
)


def test_the_rule_file_is_refused_whole_naming_the_rule(tmp_path: Path) -> None:
    before = set(ValidationRule.objects.values_list("code", "left"))
    bad = _write_rules(
        tmp_path,
        GOOD_RULE,
        "{code: births-ratio, left: birth_total, operator: '<=', right: population_total,"
        " severity: warning, message: 偏高}",
        "{code: deaths-odd, left: infant_deaths × × 2, operator: '~', right: 1,"
        " severity: error, message: 偏高}",
    )
    with pytest.raises(RuleFileError) as info:
        validation_rules_load(path=bad)
    text = str(info.value)
    assert "validation.yaml: births-ratio: left: unknown data element “birth_total”" in text
    assert "deaths-odd: left: syntax error at “× ×”" in text
    assert "deaths-odd: “operator”: “~” is not one of" in text
    assert "births-twice" not in text
    assert set(ValidationRule.objects.values_list("code", "left")) == before

    assert validation_rules_load(path=_write_rules(tmp_path, GOOD_RULE)) == 1
    assert ValidationRule.objects.get(code="births-twice").left == "live_births × 2"


@pytest.fixture
def submission() -> Submission:
    officer = member("officer", Role.COMMITTEE_OFFICER, "513300")
    clerk = member("kd_health", Role.CLERK, "513301", ["health"])
    round_: Round = round_open(actor=officer, year=2026, closes_on=dt.date(2027, 4, 30))
    sub = Submission.objects.get(
        round=round_, data_set__code="annual-health", orgunit__code="513301"
    )
    datavalues_save(
        actor=clerk,
        submission_id=sub.pk,
        entries=[
            Entry("live_births", "total", "1480"),
            Entry("neonatal_deaths", "total", "5"),
            Entry("infant_deaths", "total", "3"),  # fewer than neonatal: an error
            Entry("under5_deaths", "total", "12"),
        ],
    )
    return sub


def test_a_broken_rule_is_skipped_and_logged_not_failing_validation(
    submission: Submission, caplog: pytest.LogCaptureFixture, admin_client: Any
) -> None:
    rule = {"operator": "==", "severity": "error", "message": "—", "missing": "never_skip"}
    # Stored directly, bypassing clean(): one that cannot be read, one naming an element that
    # is not defined (as after its removal), one with an operator not known.
    ValidationRule.objects.create(code="unreadable", left="live_births × × 2", right="1", **rule)
    ValidationRule.objects.create(code="gone", left="live_births + gone_el", right="-1", **rule)
    ValidationRule.objects.create(
        code="odd-operator", left="live_births", right="1", **{**rule, "operator": "~"}
    )
    with caplog.at_level(logging.WARNING, logger="lianggang.collection.validation"):
        keys = {f.key for f in validate_submission(submission)}
    assert "rule:neonatal-le-infant-deaths" in keys
    assert not {"rule:unreadable", "rule:gone", "rule:odd-operator"} & keys
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("unreadable" in m and "syntax error" in m for m in logged), logged
    assert any("gone" in m and "gone_el" in m for m in logged), logged
    assert any("odd-operator" in m for m in logged), logged

    admin_client.cookies["django_language"] = "en"
    page = admin_client.get(LIST_URL).content.decode()
    assert "unreadable: left: syntax error at “× ×”" in page
    assert "gone: left: unknown data element “gone_el”" in page
    assert "cannot be used and are skipped" in page


def test_without_broken_rules_the_admin_list_shows_no_problem(admin_client: Any) -> None:
    admin_client.cookies["django_language"] = "en"
    page = admin_client.get(LIST_URL).content.decode()
    assert "neonatal-le-infant-deaths" in page
    assert "Problem" in page  # the column is there, empty for the shipped rules
    assert "cannot be used and are skipped" not in page
