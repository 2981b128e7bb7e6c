"""A unit's profile, a department's page, public mode, and each figures page's query count."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from lianggang.accounts.models import Role
from lianggang.analytics.evaluation import evaluation
from lianggang.framework.models import Outline
from lianggang.orgunits.models import OrgUnit
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader() -> Client:
    web = Client()
    web.force_login(member("leader", Role.VIEWER, "513300"))
    return web


def test_county_profile_shows_its_scorecard_rank_strengths_and_gaps(leader: Client) -> None:
    page = leader.get("/units/513301/?outline=children-2021")
    assert page.status_code == 200
    html = page.content.decode()
    ev = page.context["ev"]
    assert ev.as_of == 2025
    outline = Outline.objects.get(code="children-2021")
    parent = evaluation(outline=outline, orgunit=OrgUnit.objects.get(code="513300"), year=2025)
    card = next(c for u, c in parent.units if u.code == "513301")
    assert page.context["rank"].rank == card.rank
    assert f"第{card.rank}名（共18个）" in html
    assert "康定市" in html
    gaps = page.context["gaps"]
    assert all(line.status in ("OFF_TRACK", "REGRESSING") for line in gaps)
    assert len(gaps) == ev.overall.off_track + ev.overall.regressing
    assert len(page.context["strengths"]) == ev.overall.achieved + ev.overall.on_track
    assert html.count("/indicators/") >= len(ev.lines)


def test_department_page_lists_its_indicators_gaps_first_and_its_submissions(
    leader: Client,
) -> None:
    page = leader.get("/departments/health/?outline=children-2021")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows
    codes = {r["indicator"].code for r in rows}
    assert "c21-imr" in codes
    assert "c21-preschool" not in codes  # education's
    statuses = [r["status"] for r in rows]
    order = ["REGRESSING", "OFF_TRACK", "ON_TRACK", "ACHIEVED", "INSUFFICIENT_DATA", "NO_DATA"]
    ranks = [order.index(s) if s in order else len(order) for s in statuses]
    assert ranks == sorted(ranks)  # the lagging first: regressing, then off track
    assert statuses[0] == "REGRESSING"
    for r in rows:
        assert sum(n for _st, n in r["below"]) <= 18
    # A leader sees figures, not returns; the committee officer sees the department's returns.
    assert page.context["submissions"] == []
    officer = Client()
    officer.force_login(member("officer", Role.COMMITTEE_OFFICER, "513300"))
    subs = officer.get("/departments/health/").context["submissions"]
    assert len({s.orgunit.code for s in subs}) == 19
    assert all(s.data_set.department.code == "health" for s in subs)


def test_a_clerk_sees_only_the_submissions_in_scope() -> None:
    web = Client()
    web.force_login(member("kd_health", Role.CLERK, "513301", ["health"]))
    subs = web.get("/departments/health/").context["submissions"]
    assert subs
    assert {s.orgunit.code for s in subs} == {"513301"}
    assert web.get("/departments/education/").context["submissions"] == []


def test_unknown_units_and_departments_are_404(leader: Client) -> None:
    assert leader.get("/units/999999/").status_code == 404
    assert leader.get("/departments/nope/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/?outline=children-2021",
        "/indicators/c21-imr/",
        "/units/513301/?outline=children-2021",
        "/departments/health/?outline=children-2021",
    ],
)
def test_figures_pages_need_a_login_unless_the_site_is_public(url: str, settings: Any) -> None:
    anonymous = Client()
    assert anonymous.get(url).status_code == 302
    settings.LIANGGANG_PUBLIC = True
    page = anonymous.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "/collection/" not in html  # no way into collection for visitors
    assert "演示数据，非官方统计" in html


def test_public_mode_keeps_collection_and_reports_behind_the_login(settings: Any) -> None:
    settings.LIANGGANG_PUBLIC = True
    anonymous = Client()
    assert anonymous.get("/collection/").status_code == 302
    assert anonymous.get("/reports/").status_code == 302
    page = anonymous.get("/departments/health/")
    assert page.context["submissions"] == []


# Query counts: each page costs a bounded number of queries, whatever the data.
@pytest.mark.parametrize(
    ("url", "most"),
    [
        # Each page also reads the rebuild banner (1) and, but the reports page, the years
        # with their coverage: the latest judged year, the rounds' counts, the officer's rule.
        ("/?outline=children-2021", 17),
        ("/?outline=children-2021&orgunit=513301", 17),
        ("/indicators/c21-imr/", 17),
        ("/units/513301/?outline=children-2021", 24),
        ("/units/513300/?outline=women-2021", 18),
        ("/departments/health/?outline=children-2021", 18),
        ("/reports/", 13),
    ],
)
def test_query_count(
    leader: Client, url: str, most: int, django_assert_max_num_queries: Any
) -> None:
    leader.get(url)  # warm the session and Django's own caches
    cache.clear()  # the page is rendered afresh …
    with django_assert_max_num_queries(most):
        assert leader.get(url).status_code == 200
    if not url.startswith(("/departments/", "/reports/")):
        # … and then served from the page cache: the session, the user, the header's
        # notifications, rebuild banner and demo flag, the figures' version.
        with django_assert_max_num_queries(CACHED_PAGE_QUERIES):
            assert leader.get(url).status_code == 200


CACHED_PAGE_QUERIES = 6
