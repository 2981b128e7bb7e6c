"""Every figures page walked in the browser by a leader, a department clerk and an anonymous
visitor (public mode): each renders its heading, charts and tables, every image and control is
labelled; the language switches; an export is downloaded and read; screenshots are saved in
var/screenshots/ to be looked at."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from lianggang.accounts.models import Membership, Role
from lianggang.analytics.store import analytics_rebuild
from lianggang.collection.services import validation_rules_load
from lianggang.demo.services import demo_load
from lianggang.framework.services import framework_load
from lianggang.orgunits.models import Department, OrgUnit
from lianggang.orgunits.services import orgunits_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

PAGES = [
    ("overview", "/?outline=children-2021", "#h-summary"),
    ("indicator", "/indicators/c21-imr/?orgunit=513300", "#h-compare"),
    ("unit", "/units/513301/?outline=children-2021", "#h-card"),
    ("department", "/departments/health/?outline=children-2021", "#h-indicators"),
    (
        "query",
        "/query/?i=c21-imr&i=c21-preschool&u=513300&u=513301&from=2021&to=2025",
        "#h-result",
    ),
]
# Only for signed-in users.
INTERNAL = [
    ("followup", "/followup/?outline=children-2021", "#h-items"),
    ("reports", "/reports/", "#new-report"),
]

# Images need an alternative text and every form control a label.
UNLABELLED = """() => {
  const bad = [];
  document.querySelectorAll('img:not([alt])').forEach(e => bad.push(e.outerHTML.slice(0, 80)));
  document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(e => {
    const labelled = e.labels && e.labels.length || e.getAttribute('aria-label') ||
      e.getAttribute('aria-labelledby') || e.closest('label');
    if (!labelled) bad.push(e.outerHTML.slice(0, 80));
  });
  return bad;
}"""

# Text whose contrast with its background is below WCAG 2.2 AA (4.5:1; 3:1 for large text).
LOW_CONTRAST = """() => {
  const rgb = s => { const p = s.match(/[\\d.]+/g).map(Number); return {r: p[0], g: p[1], b: p[2],
    a: p.length > 3 ? p[3] : 1}; };
  const lum = c => [c.r, c.g, c.b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => { for (; el; el = el.parentElement) {
    const c = rgb(getComputedStyle(el).backgroundColor); if (c.a > 0.5) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  const bad = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    const skipped = '.visually-hidden, .skip, script, style, noscript, [aria-hidden=true]';
    if (el.closest(skipped)) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    const cs = getComputedStyle(el), fg = lum(rgb(cs.color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5))
      bad.push(el.textContent.trim().slice(0, 30) + ': ' + ratio.toFixed(2) + ' ' + cs.color);
  }
  return bad;
}"""

# What has the keyboard focus, and whether its focus ring shows.
FOCUSED = """() => { const e = document.activeElement, cs = getComputedStyle(e);
  return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 30),
          ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
          inMain: !!e.closest('main')}; }"""


@pytest.fixture
def site(live_server: Any) -> str:
    orgunits_load()
    framework_load()
    demo_load()
    validation_rules_load()
    analytics_rebuild()
    users = get_user_model().objects
    leader = users.create_user("leader", password=PASSWORD)
    Membership.objects.create(
        user=leader, role=Role.VIEWER, orgunit=OrgUnit.objects.get(code="513300")
    )
    clerk = users.create_user("clerk", password=PASSWORD)
    m = Membership.objects.create(
        user=clerk, role=Role.CLERK, orgunit=OrgUnit.objects.get(code="513301")
    )
    m.departments.set(Department.objects.filter(code="health"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    return str(live_server.url)


def _page(browser: Any, base: str, username: str | None) -> Any:
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    if username:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        # Each role's home: a clerk's is what is due (数据采集), the others' the overview.
        page.wait_for_url(f"{base}/collection/" if username == "clerk" else f"{base}/")
    return page


def _walk(page: Any, base: str, who: str, pages: list[tuple[str, str, str]]) -> None:
    for name, url, landmark in pages:
        response = page.goto(base + url)
        assert response is not None, (who, url)
        assert response.ok, (who, url)
        page.wait_for_selector(landmark)
        assert page.locator("h1").first.inner_text().strip(), (who, url)
        assert "演示数据，非官方统计" in page.content()
        assert page.evaluate(UNLABELLED) == [], (who, url)
        assert page.evaluate(LOW_CONTRAST) == [], (who, url)
        page.screenshot(path=str(SHOTS / f"{who}-{name}.png"), full_page=False)


def test_a_leader_walks_every_page(browser: Any, site: str) -> None:
    page = _page(browser, site, "leader")
    _walk(page, site, "leader", PAGES + INTERNAL)
    # The charts are drawn (ECharts renders into the containers).
    page.goto(site + "/indicators/c21-imr/?orgunit=513300")
    page.wait_for_selector("#indicator-chart canvas, #indicator-chart svg")
    page.wait_for_selector("#comparison-chart canvas, #comparison-chart svg")
    # The overview opens the list behind a count.
    page.goto(site + "/?outline=children-2021")
    link = page.locator("table.summary tfoot a").first
    link.click()
    page.wait_for_selector(".filter-note")
    assert "显示全部" in page.locator(".filter-note").inner_text()


def test_a_clerk_walks_the_pages_and_downloads_a_query(browser: Any, site: str) -> None:
    page = _page(browser, site, "clerk")
    _walk(page, site, "clerk", PAGES + INTERNAL)
    page.goto(site + PAGES[4][1])
    shown = page.locator("table.pivot tbody tr").all_inner_texts()
    with page.expect_download() as download:
        page.click("text=下载 CSV")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) == len(shown) + 1
    assert rows[1][0] == "婴儿死亡率"
    assert rows[1][-1] == "演示数据，非官方统计"
    # The clerk's department page shows the clerk's own county's returns only.
    page.goto(site + "/departments/health/")
    units = set(page.locator("#h-subs ~ .table-wrap tbody td:first-child").all_inner_texts())
    assert units == {"康定市"}


def test_a_visitor_walks_the_public_pages_and_switches_language(
    browser: Any, site: str, settings: Any
) -> None:
    settings.LIANGGANG_PUBLIC = True
    page = _page(browser, site, None)
    _walk(page, site, "visitor", PAGES)
    for _name, url, _landmark in INTERNAL:
        page.goto(site + url)
        assert "/accounts/login/" in page.url
    page.goto(site + "/query/")
    with page.expect_navigation():
        page.click("button[name=language][value=en]")
    assert page.locator("h1").inner_text() == "Query"
    page.goto(site + "/units/513301/?outline=children-2021")
    assert "Kangding" in page.locator("h1").inner_text()
    page.screenshot(path=str(SHOTS / "visitor-unit-en.png"))
    # On a phone no page scrolls sideways: wide tables scroll inside their own box.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    for name, url, _landmark in PAGES:
        phone.goto(site + url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url
        phone.screenshot(path=str(SHOTS / f"visitor-{name}-phone.png"))


def test_the_pages_work_from_the_keyboard(browser: Any, site: str, settings: Any) -> None:
    settings.LIANGGANG_PUBLIC = True
    page = _page(browser, site, None)
    page.goto(site + "/?outline=children-2021")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["text"] == "跳到正文"
    assert first["ring"]
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    # From the content on, every stop shows its focus ring and the focus moves on each time.
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    assert all(s["inMain"] for s in stops[:10]), stops[:10]
    assert all(s["ring"] for s in stops), [s for s in stops if not s["ring"]]
    # The language is switched with the keyboard alone.
    page.focus("button[name=language]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h2#h-summary").inner_text().startswith("Targets by area")
    # On a phone the county grid is wider than the screen: its box takes the focus and the
    # arrow keys scroll it.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    phone.goto(site + "/?outline=children-2021")
    grid = phone.locator("section[aria-labelledby=h-grid] .table-wrap")
    assert grid.get_attribute("tabindex") == "0"
    assert grid.get_attribute("role") == "region"
    assert grid.get_attribute("aria-label") == "各县（市）指标状态"
    grid.focus()
    for _ in range(5):
        phone.keyboard.press("ArrowRight")
    assert grid.evaluate("e => e.scrollLeft") > 0
    phone.screenshot(path=str(SHOTS / "visitor-overview-phone-grid-focused.png"))


LEDGER = [
    ("ledger", "/ledger/", "#h-records"),
    ("ledger-activities", "/ledger/activities/", "#h-list"),
    ("ledger-new-activity", "/ledger/activities/new/", "form.record-form"),
    ("ledger-cases", "/ledger/cases/", "#h-list"),
    ("ledger-families", "/ledger/families/", "#h-list"),
]


def test_the_federation_walks_its_ledger(browser: Any, site: str) -> None:
    from lianggang.ledger.models import RightsCase

    officer = get_user_model().objects.get(username="demo_federation")  # the demo's supervisor
    officer.set_password(PASSWORD)
    officer.save()
    page = _page(browser, site, "demo_federation")
    _walk(page, site, "federation", LEDGER)
    # A case: the personal data appear only once a purpose is given.
    case = RightsCase.objects.filter(is_demo=True).only("pk").order_by("pk").first()
    assert case is not None
    page.goto(f"{site}/ledger/cases/{case.pk}/")
    assert "（演示）" not in page.locator("#h-personal ~ *").first.inner_text()
    page.fill("#id_purpose", "督导检查")
    page.click("text=查看个人信息")
    page.wait_for_selector("dl.personal")
    assert "（演示）" in page.locator("dl.personal").inner_text()
    assert page.evaluate(UNLABELLED) == []
    page.screenshot(path=str(SHOTS / "federation-case-opened.png"))
    # The period summary, on the page and as a Word file.
    prefecture = OrgUnit.objects.get(code="513300").pk
    page.goto(f"{site}/ledger/summary/?orgunit={prefecture}&start=2017-06-01&end=2022-05-31")
    assert "全州妇女之家达" in page.locator("#h-organisation ~ p").first.inner_text()
    assert page.evaluate(LOW_CONTRAST) == []
    page.screenshot(path=str(SHOTS / "federation-summary.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=下载 Word")
    from docx import Document as Docx

    word = Docx(download.value.path())
    assert "甘孜藏族自治州妇联工作成效汇总" in "\n".join(p.text for p in word.paragraphs)
    assert word.sections[0].header.paragraphs[0].text == "演示数据，非官方统计"
