"""What the browser tests share: signing in as a user of the world they set up."""

from __future__ import annotations

from typing import Any

from tests.factories import PASSWORD


def login(browser: Any, base: str, username: str, home: str, *, width: int = 1366) -> Any:
    """A new page signed in as ``username``, once it has landed on its role's ``home``."""
    page = browser.new_page(
        viewport={"width": width, "height": 844 if width < 600 else 768}, locale="zh-CN"
    )
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}{home}")
    return page
