"""The 404 page in the browser: an unknown address shows the site's frame (menu, language
switch, footer) with a working way back to the overview, at desktop and phone widths, in
Chinese and after switching to English. Screenshots go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lianggang.framework.services import framework_load
from lianggang.orgunits.services import orgunits_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    orgunits_load()
    framework_load()
    settings.LIANGGANG_PUBLIC = True  # the overview opens without signing in
    SHOTS.mkdir(parents=True, exist_ok=True)
    return str(live_server.url)


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1440, 900), ("phone", 390, 844)])
def test_an_unknown_address_shows_the_404_page_with_a_way_back(
    browser: Any, site: str, name: str, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    answer = page.goto(f"{site}/no/such/page/")
    assert answer is not None
    assert answer.status == 404
    assert page.locator("html").get_attribute("lang") == "zh-hans"  # Chinese by default
    assert page.locator("header.top a.brand").inner_text() == "两纲监测"
    assert page.locator("footer.foot").is_visible()
    assert page.locator("h1").inner_text() == "页面不存在"
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"error-404-{name}.png"), full_page=True)

    # The language switch works from the error page and comes back to it.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url == f"{site}/no/such/page/"
    assert page.locator("h1").inner_text() == "Page not found"

    page.get_by_role("link", name="Back to the overview").click()
    page.wait_for_url(f"{site}/?overview=1")
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() != "Page not found"
    context.close()
