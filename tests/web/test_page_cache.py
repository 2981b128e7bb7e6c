"""The figures pages' cache: served again without recomputing, never across readers' frames or
languages, and retired by any change of the figures, the framework or the hierarchy."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from lianggang.accounts.models import Role
from lianggang.analytics.store import analytics_refresh
from lianggang.analytics.versions import figures_changed, figures_version
from lianggang.framework.models import DataElement, Indicator
from lianggang.orgunits.models import OrgUnit
from lianggang.web.page_cache import cached_content
from tests.factories import member

pytestmark = pytest.mark.django_db

OVERVIEW = "/?outline=children-2021"
INDICATOR = "/indicators/c21-imr/?orgunit=513300"


def _client(name: str, role: str, unit: str) -> Client:
    web = Client()
    web.force_login(member(name, role, unit))
    return web


def test_a_cached_page_is_the_same_page_without_touching_the_figures(
    django_assert_num_queries: Any,
) -> None:
    leader = _client("leader", Role.VIEWER, "513300")
    first = leader.get(OVERVIEW)
    assert "rows" in first.context  # rendered from the figures
    # The session, the user, the header's notifications, rebuild banner and demo flag, the
    # figures' version.
    with django_assert_num_queries(6) as queries:
        second = leader.get(OVERVIEW)
    assert "rows" not in second.context  # taken from the cache
    assert _main(second) == _main(first)
    tables = [q["sql"].split("FROM")[1].split()[0] for q in queries.captured_queries]
    assert [t for t in tables if "analytics_" in t] == [
        '"analytics_figuresversion"',
        '"analytics_rebuildrequest"',
    ]


def _main(response: Any) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main">') : html.index("</main>")]


def test_the_frame_is_each_readers_own(settings: Any) -> None:
    leader = _client("leader-a", Role.VIEWER, "513300")
    clerk = _client("clerk-b", Role.CLERK, "513301")
    a = leader.get(INDICATOR).content.decode()
    b = clerk.get(INDICATOR).content.decode()
    assert "leader-a" in a
    assert "leader-a" not in b
    assert "clerk-b" in b
    assert _main(leader.get(INDICATOR)) == _main(clerk.get(INDICATOR))
    settings.LIANGGANG_PUBLIC = True
    visitor = Client().get(INDICATOR).content.decode()
    assert "leader-a" not in visitor
    assert "clerk-b" not in visitor
    assert "/accounts/login/" in visitor
    assert "/collection/" not in visitor


def test_each_language_has_its_own_copy() -> None:
    leader = _client("leader", Role.VIEWER, "513300")
    chinese = leader.get(OVERVIEW).content.decode()
    leader.cookies["django_language"] = "en"
    english = leader.get(OVERVIEW).content.decode()
    assert "各领域目标进展" in chinese
    assert "Targets by area" in english
    assert "各领域目标进展" not in english


def test_a_refresh_of_the_figures_retires_the_cached_pages() -> None:
    """The refresh that follows an approval gives the figures a new version in its own
    transaction (the page test of the whole approval is in test_live_dashboard.py)."""
    leader = _client("leader", Role.VIEWER, "513300")
    assert "chart" in leader.get(INDICATOR).context
    assert "chart" not in leader.get(INDICATOR).context
    before = figures_version()
    imr = Indicator.objects.get(code="c21-imr")
    analytics_refresh(
        element_ids={imr.numerator_id},
        orgunit_ids={OrgUnit.objects.get(code="513301").pk},
        years={2024},
    )
    assert figures_version() not in ("", before)
    assert "chart" in leader.get(INDICATOR).context  # rendered afresh


def test_a_change_of_the_framework_or_the_hierarchy_retires_them() -> None:
    leader = _client("leader", Role.VIEWER, "513300")
    assert "婴儿死亡率" in leader.get(INDICATOR).content.decode()
    imr = Indicator.objects.get(code="c21-imr")
    imr.name = "婴儿死亡率（改）"
    imr.save()  # as the admin does
    assert "婴儿死亡率（改）" in leader.get(INDICATOR).content.decode()
    county = OrgUnit.objects.get(code="513301")
    county.name = "康定市（改）"
    county.save()
    assert "康定市（改）" in leader.get(INDICATOR).content.decode()
    element = DataElement.objects.get(pk=imr.numerator_id)
    before = figures_version()
    element.name = element.name + "（改）"
    element.save()
    assert figures_version() != before


def test_a_rolled_back_change_leaves_the_version_as_it_was() -> None:
    before = figures_version()
    inside = []

    def change_then_fail() -> None:
        with transaction.atomic():
            figures_changed()
            inside.append(figures_version())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert inside[0] != before
    assert figures_version() == before


def test_errors_are_not_cached() -> None:
    leader = _client("leader", Role.VIEWER, "513300")
    assert leader.get("/?outline=children-2021&orgunit=999999").status_code == 404
    assert leader.get("/?outline=nope").status_code == 404
    assert leader.get(OVERVIEW).status_code == 200


def test_a_page_is_rendered_once_however_many_readers_wait_for_it() -> None:
    calls = []
    started = threading.Event()

    def slow_render() -> dict[str, str]:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return {"title": "t", "main": "<p>rendered</p>"}

    results: list[dict[str, str]] = []

    def reader() -> None:
        results.append(cached_content("test-single-flight", slow_render))

    first = threading.Thread(target=reader)
    first.start()
    started.wait(5)
    others = [threading.Thread(target=reader) for _ in range(7)]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join()
    assert len(calls) == 1
    assert [r["main"] for r in results] == ["<p>rendered</p>"] * 8
