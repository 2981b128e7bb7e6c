"""The figures pages on paper (print.css): the menu and the pickers are gone, the chosen outline,
unit and year print as text, the demo label stays, the status colours are kept, nothing is wider
than the A4 page (landscape for the overview and its county grid, portrait for the others), and
a PDF comes out. The PDFs are saved in var/screenshots/ to be looked at."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .test_pages_in_browser import SHOTS, _page, site  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A4 at 96 px per inch: 794 px wide in portrait, 1123 px in landscape.
PORTRAIT, LANDSCAPE = 794, 1123
PAGES = [
    ("overview", "/?outline=children-2021", "#h-grid", LANDSCAPE),
    ("unit", "/units/513301/?outline=children-2021", "#h-card", PORTRAIT),
    ("indicator", "/indicators/c21-imr/?orgunit=513300", "#h-compare", PORTRAIT),
]

KEPT_COLOUR = """sel => { const e = document.querySelector(sel); if (!e) return null;
  const cs = getComputedStyle(e);
  return {adjust: cs.printColorAdjust || cs.webkitPrintColorAdjust, bg: cs.backgroundColor}; }"""

# Elements whose right edge passes the page's (the visually hidden labels aside).
TOO_WIDE = """width => [...document.querySelectorAll('body *')].filter(e => {
  if (e.closest('.visually-hidden, .skip')) return false;
  const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 1; })
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +
    Math.round(e.getBoundingClientRect().right))"""


@pytest.mark.parametrize(("name", "url", "landmark", "width"), PAGES)
def test_a_figures_page_prints(
    browser: Any,
    site: str,  # noqa: F811 (the fixture imported above)
    name: str,
    url: str,
    landmark: str,
    width: int,
) -> None:
    page = _page(browser, site, "leader")
    page.goto(site + url)
    page.wait_for_selector(landmark)
    if name == "indicator":
        page.wait_for_selector("#indicator-chart canvas, #indicator-chart svg")
    page.set_viewport_size({"width": width, "height": 1000})
    page.emulate_media(media="print")

    # What means nothing on paper is gone; what was chosen prints as text.
    assert not page.locator("a.navlink").first.is_visible()
    assert not page.locator("form.lang").is_visible()
    assert not page.locator("form.filters select").first.is_visible()
    context = page.locator(".print-context")
    assert context.is_visible()
    assert "2025" in context.inner_text()
    assert "纲要" in context.inner_text()
    # The demo label shows wherever demo data shows; the site's name stays.
    assert page.locator(".demo-banner").is_visible()
    assert "演示数据，非官方统计" in page.locator(".demo-banner").inner_text()
    assert page.locator(".top .brand").is_visible()

    # The status colours are kept.
    for selector in [".badge.st-achieved, .badge.st-on-track, .badge.st-off-track"] + (
        ["table.grid td.cell"] if name == "overview" else []
    ):
        style = page.evaluate(KEPT_COLOUR, selector)
        assert style is not None, selector
        assert style["adjust"] == "exact", (selector, style)
        assert style["bg"] not in ("transparent", "rgba(0, 0, 0, 0)"), (selector, style)

    # Nothing is wider than the page: no scrolling box, no table or chart cut at its edge.
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    assert page.evaluate(TOO_WIDE, width) == [], name
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.table-wrap')).overflowX")
        == "visible"
    )
    if name == "indicator":
        # The charts were redrawn at the printed width.
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('.chart')].map(e => "
            "echarts.getInstanceByDom(e).getWidth())"
        )
        assert drawn
        assert all(w <= width for w in drawn), drawn

    pdf = page.pdf(path=str(SHOTS / f"print-{name}.pdf"), prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    assert len(pages) >= 1
    boxes = {
        (float(w), float(h))
        for w, h in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    }
    assert boxes, "no page size in the PDF"
    for w, h in boxes:
        # A4 is 595 × 842 pt; the overview with its county grid is printed across.
        assert (w > h) == (width == LANDSCAPE), (name, w, h)
