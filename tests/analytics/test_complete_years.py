"""Complete years (issue 19, point 7): one department's approval in a new year does not move the
pages there. The pages, the reports' form and the API open on the latest year whose round is
complete (every submission approved, or the share the committee's officer set); the younger year
stays selectable, labelled with its coverage."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pytest
from django.test import Client

from lianggang.accounts.models import Role
from lianggang.analytics.models import Assessment, YearSettings
from lianggang.analytics.selectors import figure_years
from lianggang.analytics.store import analytics_refresh_for_submissions
from lianggang.collection.models import DataValue, Round, Submission, SubmissionState
from lianggang.collection.services import round_open
from lianggang.framework.models import Outline
from tests.factories import member

pytestmark = pytest.mark.django_db

OLD, YOUNG = 2025, 2026


@pytest.fixture
def officer() -> Any:
    return member("officer", Role.COMMITTEE_OFFICER, "513300")


@pytest.fixture
def young_year(officer: Any) -> Submission:
    """The 2026 round opened, and one county's submission of one department approved with its
    values (a copy of 2025's), its figures refreshed as an approval does."""
    assert Round.objects.order_by("-year").values_list("year", flat=True).first() == OLD
    round_open(actor=officer, year=YOUNG, closes_on=dt.date(YOUNG + 1, 4, 30))
    last = Submission.objects.filter(
        round__year=OLD, orgunit__code="513301", data_set__elements__code="maternal_deaths"
    ).first()
    assert last is not None
    sub = Submission.objects.get(round__year=YOUNG, orgunit=last.orgunit, data_set=last.data_set)
    for dv in DataValue.objects.filter(submission=last):
        DataValue.objects.create(
            submission=sub,
            element_id=dv.element_id,
            orgunit=dv.orgunit,
            year=YOUNG,
            disaggregation=dv.disaggregation,
            value=dv.value,
        )
    Submission.objects.filter(pk=sub.pk).update(state=SubmissionState.APPROVED)
    analytics_refresh_for_submissions([sub.pk])
    # The store judges every unit as of the new year: this is what moved the pages before.
    assert Assessment.objects.filter(year=YOUNG).exists()
    return sub


def _total() -> int:
    return Submission.objects.filter(round__year=YOUNG).count()


def _client(user: Any) -> Client:
    # In English: the words asserted are the messages' own (their Chinese is the catalogue's).
    web = Client()
    web.force_login(user)
    web.cookies["django_language"] = "en"
    return web


@pytest.fixture
def leader() -> Client:
    return _client(member("leader", Role.VIEWER, "513300"))


def _selected_year(html: str, name: str = "year") -> int:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, f"no {name} picker"
    chosen = re.search(r'<option value="(\d+)" selected>', select.group(1))
    assert chosen is not None
    return int(chosen.group(1))


def _label(approved: int, total: int) -> str:
    return f'<option value="{YOUNG}">{YOUNG}: {approved}/{total} approved</option>'


def test_the_selector_opens_on_the_older_complete_year(young_year: Submission) -> None:
    choice = figure_years(Outline.objects.get(code="women-2021"))
    assert choice.default == OLD
    young = choice.get(YOUNG)
    assert young is not None
    assert (young.approved, young.total, young.complete) == (1, _total(), False)
    assert young.label == f"{YOUNG}年：已审核 1/{_total()}"
    assert choice.get(OLD).complete  # type: ignore[union-attr]
    assert [y.year for y in choice.younger] == [YOUNG]


@pytest.mark.parametrize(
    "url",
    [
        "/?outline=women-2021",
        "/?outline=women-2021&orgunit=513301",
        "/units/513300/?outline=women-2021",
        "/units/513301/?outline=children-2021",
        "/departments/health/?outline=children-2021",
        "/indicators/c21-imr/?orgunit=513300",
    ],
)
def test_pages_open_on_the_complete_year_and_offer_the_younger_with_its_coverage(
    young_year: Submission, leader: Client, url: str
) -> None:
    html = leader.get(url).content.decode()
    assert _selected_year(html) == OLD
    assert _label(1, _total()) in html
    # The page says why: the younger year is still being reviewed.
    assert f"Showing {OLD}, the latest complete year." in html


def test_the_indicator_page_shows_nothing_of_the_younger_year_unless_asked(
    young_year: Submission, leader: Client
) -> None:
    page = leader.get("/indicators/c21-imr/?orgunit=513300")
    assert page.context["latest_year"] == OLD
    assert OLD in page.context["chart"]["years"]
    assert all(a.year <= OLD for a in [page.context["main_assessment"]] if a)
    asked = leader.get(f"/indicators/c21-imr/?orgunit=513301&year={YOUNG}")
    assert asked.context["latest_year"] == YOUNG
    assert _selected_year(asked.content.decode()) == YOUNG


def test_the_younger_year_is_selectable_and_says_it_is_incomplete(
    young_year: Submission, leader: Client
) -> None:
    html = leader.get(f"/?outline=women-2021&year={YOUNG}").content.decode()
    assert _selected_year(html) == YOUNG
    assert f"{YOUNG} is not complete: 1 of {_total()} submissions approved." in html


def test_the_reports_form_and_the_api_default_to_the_complete_year(
    young_year: Submission, officer: Any
) -> None:
    web = _client(officer)
    html = web.get("/reports/").content.decode()
    assert _selected_year(html) == OLD
    assert _label(1, _total()) in html
    answer = web.post(
        "/api/v1/reports",
        {"kind": "annual", "outline": "women-2021", "orgunit": "513300", "format": "html"},
        content_type="application/json",
    )
    assert answer.status_code == 202, answer.content
    assert answer.json()["year"] == OLD


def test_the_query_page_ends_on_the_complete_year(young_year: Submission, leader: Client) -> None:
    html = leader.get("/query/").content.decode()
    assert _selected_year(html, "to") == OLD
    assert _label(1, _total()) in html


def test_the_officers_share_changes_the_choice(
    young_year: Submission, officer: Any, leader: Client
) -> None:
    # Enough more approved for a share of at least 5 % and under 6 % (9 of 165 is 5.5 %).
    share = math.ceil(_total() * 5 / 100)
    assert share * 100 < 6 * _total()
    Submission.objects.filter(round__year=YOUNG).exclude(pk=young_year.pk).filter(
        pk__in=Submission.objects.filter(round__year=YOUNG)
        .exclude(pk=young_year.pk)
        .values("pk")[: share - 1]
    ).update(state=SubmissionState.APPROVED)
    assert Submission.objects.filter(round__year=YOUNG, state="approved").count() == share
    web = _client(officer)
    # A leader cannot change the rule; the page shows it without a form.
    assert 'name="percent"' not in leader.get("/years/").content.decode()
    leader.post("/years/", {"percent": "5"})
    assert not YearSettings.objects.exists()

    saved = web.post("/years/", {"percent": "5"}, follow=True).content.decode()
    assert "Saved: a year counts as complete from 5 % of its submissions." in saved
    assert YearSettings.objects.get().complete_from_percent == 5
    assert YearSettings.objects.get().changed_by == officer
    html = leader.get("/?outline=women-2021").content.decode()  # the cached page retired
    assert _selected_year(html) == YOUNG
    assert f'<option value="{YOUNG}" selected>{YOUNG}</option>' in html  # complete: no label
    assert _selected_year(leader.get("/reports/").content.decode()) == YOUNG

    web.post("/years/", {"percent": "6"})
    assert _selected_year(leader.get("/?outline=women-2021").content.decode()) == OLD
    # Out of range: refused, the rule kept.
    refused = web.post("/years/", {"percent": "0"}, follow=True).content.decode()
    assert "between 1 and 100" in refused
    assert YearSettings.objects.get().complete_from_percent == 6


def test_the_years_page_lists_each_year_with_its_coverage(
    young_year: Submission, leader: Client
) -> None:
    html = leader.get("/years/").content.decode()
    assert f"1/{_total()}" in html
    assert "still being reviewed" in html
    assert "complete: pages open on this year" in html


def test_without_a_younger_year_nothing_changes(leader: Client) -> None:
    html = leader.get("/?outline=women-2021").content.decode()
    assert _selected_year(html) == OLD
    assert "approved</option>" not in html
    assert "the latest complete year" not in html
