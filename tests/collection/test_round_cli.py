"""`lianggang round`: the rounds from the command line, with the pages' checks."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.utils import translation

from lianggang.accounts.models import Role
from lianggang.cli import run
from lianggang.collection.models import Round, RoundState, Submission
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIANGGANG_LANGUAGE", "en")
    yield
    translation.activate("zh-hans")


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["round", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def officer() -> str:
    member("round_officer", Role.COMMITTEE_OFFICER, "513300")
    return "round_officer"


def test_list_shows_every_round_with_its_progress(officer: str) -> None:
    code, out, _ = _run("list", "--user", officer)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split("\t")[:2] == ["Year", "State"]
    years = [int(line.split("\t")[0]) for line in lines[1:]]
    assert years == sorted(Round.objects.values_list("year", flat=True), reverse=True)
    row_2024 = next(line.split("\t") for line in lines if line.startswith("2024\t"))
    total = Submission.objects.filter(round__year=2024).count()
    approved = Submission.objects.filter(round__year=2024, state="approved").count()
    assert row_2024[4] == f"{approved}/{total}"


def test_open_status_close_and_reopen_a_round(officer: str) -> None:
    code, _, err = _run("open", "2027", "--user", officer)
    assert code == 2
    assert "--closes-on" in err
    assert not Round.objects.filter(year=2027).exists()

    code, out, _ = _run("open", "2027", "--closes-on", "2027-03-31", "--user", officer)
    rnd = Round.objects.get(year=2027)
    count = Submission.objects.filter(round=rnd).count()
    assert code == 0
    assert count > 0
    assert f"{count} submissions" in out
    assert rnd.state == RoundState.OPEN

    code, out, _ = _run("status", "2027", "--late", "--user", officer)
    assert code == 0
    all_line = next(line for line in out.splitlines() if line.startswith("All\t"))
    assert all_line.split("\t")[1] == str(count)  # every submission still a draft
    assert all_line.split("\t")[-1] == str(count)
    assert "Not yet approved" in out

    assert _run("close", "2027", "--user", officer)[0] == 0
    assert Round.objects.get(year=2027).state == RoundState.CLOSED
    code, _, err = _run("close", "2027", "--user", officer)
    assert code == 1
    assert "not open" in err

    assert _run("reopen", "2027", "--user", officer)[0] == 0
    rnd.refresh_from_db()
    assert rnd.state == RoundState.OPEN
    assert rnd.closed_at is None
    code, _, err = _run("reopen", "2027", "--user", officer)
    assert code == 1
    assert "not closed" in err


def test_a_clerk_cannot_open_a_round() -> None:
    member("round_clerk", Role.CLERK, "513301", departments=[])
    code, _, err = _run("open", "2028", "--closes-on", "2028-03-31", "--user", "round_clerk")
    assert code == 1
    assert err
    assert not Round.objects.filter(year=2028).exists()


def test_an_unknown_year_is_named(officer: str) -> None:
    code, _, err = _run("status", "1999", "--user", officer)
    assert code == 2
    assert "1999" in err
