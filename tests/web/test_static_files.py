"""Static files in production: named by their content's hash (so an upgrade never leaves a
browser on old scripts), cached for a year, compressed. The other tests use the plain storage
(tests/conftest.py); these collect once, with the production storage, into a temporary folder."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from lianggang.config import settings as production

pytestmark = pytest.mark.django_db
TEMPLATES = Path(production.PACKAGE_DIR)
HASHED = r"[0-9a-f]{12}"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("static")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def test_the_production_settings_name_files_by_their_hash() -> None:
    assert production.STATIC_STORAGE == "manifest"  # neither DEBUG nor the variable set
    backend = production.STORAGES["staticfiles"]["BACKEND"]
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_page_links_the_hashed_stylesheet_served_for_a_year(collected: Path) -> None:
    page = Client().get("/accounts/login/").content.decode()
    link = re.search(rf'<link rel="stylesheet" href="(/static/web/app\.{HASHED}\.css)">', page)
    assert link, page[:600]
    url = link.group(1)
    assert (collected / url.removeprefix("/static/")).is_file()
    assert (collected / (url.removeprefix("/static/") + ".gz")).is_file()
    # Only the hashed copies are kept; the unused builds of the npm packages are not collected.
    assert not (collected / "web" / "app.css").exists()
    assert list((collected / "vendor" / "echarts").glob(f"echarts.min.{'?' * 12}.js"))
    assert not list((collected / "vendor" / "echarts").glob("echarts.js*"))

    response = Client().get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["Content-Encoding"] == "gzip"
    cache = response["Cache-Control"]
    assert "immutable" in cache
    max_age = int(re.search(r"max-age=(\d+)", cache).group(1))  # type: ignore[union-attr]
    assert max_age >= 365 * 24 * 3600
    response.close()


def test_the_api_docs_page_uses_hashed_assets(collected: Path) -> None:
    docs = Client().get("/api/v1/docs").content.decode()
    assert re.search(rf"/static/ninja/swagger-ui-bundle\.{HASHED}\.js", docs)
    assert re.search(rf"/static/ninja/swagger-ui\.{HASHED}\.css", docs)


def test_templates_name_static_files_through_the_static_tag() -> None:
    hard_coded = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("templates/**/*.html")
        if re.search(r"""(src|href)=["']/static/""", path.read_text(encoding="utf-8"))
    ]
    assert not hard_coded
