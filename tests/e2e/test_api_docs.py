"""The API's documentation page (/api/docs) in the browser: Swagger UI, served from this site
(django-ninja's bundled assets, no CDN), reads the OpenAPI document without a parser error and
lists the operations, the export among them; a screenshot is saved in var/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_the_api_docs_page_lists_the_operations(browser: Any, live_server: Any) -> None:
    base = str(live_server.url)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: elsewhere.append(r.url) if not r.url.startswith((base, "data:")) else None,
    )
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        response = page.goto(base + "/api/docs")
        assert response is not None
        assert response.ok
        assert page.url.endswith("/api/v1/docs")
        # The operations, or Swagger UI's complaint about the document.
        page.wait_for_selector(".opblock, .errors-wrapper", timeout=20_000)
        text = page.inner_text("#swagger-ui")
        assert "Parser error" not in text, text[:500]
        assert page.locator(".errors-wrapper").count() == 0, text[:500]
        assert "Lianggang API" in text
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/v1/exports/{what}" in [p.replace("\u200b", "") for p in paths]
        assert len(paths) >= 20
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "api-docs-1440.png"), full_page=False)
        assert not problems
        assert not elsewhere, elsewhere  # every asset served here
    finally:
        context.close()
