from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_admin_list_and_first_change_page_opens(admin_client: Any) -> None:
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
        first = model._default_manager.first()
        if first is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            assert admin_client.get(change).status_code == 200, change


def test_collected_values_are_read_only_in_the_admin(admin_client: Any) -> None:
    from lianggang.collection.models import DataValue

    dv = DataValue.objects.first()
    assert dv is not None
    url = reverse("admin:collection_datavalue_change", args=[dv.pk])
    admin_client.post(url, {"value": "123456"})
    dv.refresh_from_db()
    assert dv.value != 123456
