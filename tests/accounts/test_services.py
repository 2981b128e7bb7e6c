import pytest
from django.contrib.auth import get_user_model

from lianggang.accounts.services import admin_ensure

pytestmark = pytest.mark.django_db


def test_admin_is_created_once_with_a_generated_or_given_password() -> None:
    created, password = admin_ensure(username="boss", password=None)
    assert created
    assert password
    assert len(password) >= 12
    user = get_user_model().objects.get(username="boss")
    assert user.is_superuser
    assert user.check_password(password)
    assert admin_ensure(username="boss", password=None) == (False, None)
    assert get_user_model().objects.get(username="boss").check_password(password)


def test_a_given_password_replaces_the_old_one() -> None:
    admin_ensure(username="boss", password="first-password-123")
    assert admin_ensure(username="boss", password="second-password-456") == (
        False,
        "second-password-456",
    )
    assert get_user_model().objects.get(username="boss").check_password("second-password-456")
