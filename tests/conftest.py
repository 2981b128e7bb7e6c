"""Test set-up: the demo prefecture is loaded once per test database (SQLite or PostgreSQL).

Tests run inside transactions that are rolled back, so each sees the same loaded demo.
"""

from __future__ import annotations

import os
from typing import Any

import pytest


def pytest_configure(config: Any) -> None:
    """Tests render pages with the static files' own names (Django's plain storage, from the
    apps' folders): the production storage (hashed names) needs the manifest `collectstatic`
    writes, and a test run collects nothing. tests/web/test_static_files.py collects once with
    the production storage into a temporary folder and checks its names and cache headers."""
    from django.conf import settings

    os.environ["LIANGGANG_STATIC_STORAGE"] = "plain"  # commands the tests start
    settings.STATIC_STORAGE = "plain"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STORAGE}}


PLAIN_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"

TEST_LEDGER_KEY = "dGVzdC1vbmx5LWxlZGdlci1rZXktMDEyMzQ1Njc4OWE="


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from django.conf import settings

    from lianggang.analytics.store import analytics_rebuild
    from lianggang.collection.services import validation_rules_load
    from lianggang.demo.services import demo_load
    from lianggang.framework.services import framework_load
    from lianggang.orgunits.services import orgunits_load

    # The ledger's personal data needs a key; the tests bring their own, never a real one.
    settings.LIANGGANG_LEDGER_KEYS = settings.LIANGGANG_LEDGER_KEYS or [TEST_LEDGER_KEY]
    with django_db_blocker.unblock():
        orgunits_load()
        framework_load()
        demo_load()
        validation_rules_load()
        analytics_rebuild()
    return


@pytest.fixture
def admin_client(client: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_superuser("tester", "", "a-long-test-password")
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Hashing at full strength costs a third of a second per user; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language() -> None:
    # A page asked for in English (the language cookie) leaves English active in the thread
    # after the request; each test starts in the site's default language, Chinese.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    # Each test rolls its writes back, figures version included; pages cached by an earlier
    # test must not answer for this one's data.
    from django.core.cache import cache

    cache.clear()
