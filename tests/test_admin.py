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


def test_an_admin_change_is_logged_with_its_old_and_new_values(admin_client: Any) -> None:
    import datetime as dt

    from django.contrib.admin.models import LogEntry
    from django.utils import timezone

    from lianggang.orgunits.models import Department

    department = Department.objects.order_by("pk").first()
    assert department is not None
    url = reverse("admin:orgunits_department_change", args=[department.pk])
    form = admin_client.get(url).context["adminform"].form
    old_name = department.name
    data = {k: v for k, v in form.initial.items() if v not in (None, "")}
    data["name"] = "改过的部门名"
    started = timezone.now()
    answer = admin_client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    entry = LogEntry.objects.get(object_id=str(department.pk), content_type__model="department")
    assert entry.user.username == "tester"
    assert started - dt.timedelta(seconds=1) <= entry.action_time <= timezone.now()
    assert f"{old_name} → 改过的部门名" in entry.get_change_message()


def test_the_admin_is_branded_as_the_product_with_translated_labels(admin_client: Any) -> None:
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "两纲监测 管理后台" in html  # the header and the title
    assert "<title>数据与账户 | 两纲监测 管理后台</title>" in html
    assert "Django" not in html
    # Our apps' and models' names, and a package's that marks them for translation.
    for label in ("纲要与指标", "数据采集", "成员单位", "任务结果", "登录尝试"):
        assert label in html, label
    admin_client.cookies["django_language"] = "en"
    english = admin_client.get(reverse("admin:index")).content.decode()
    assert "Lianggang administration" in english
    assert "Data and accounts" in english


def test_every_model_and_field_label_of_ours_is_marked_for_translation() -> None:
    from django.apps import apps
    from django.utils.functional import Promise

    untranslated = []
    for config in apps.get_app_configs():
        if not config.name.startswith("lianggang."):
            continue
        if config.models and not isinstance(config.verbose_name, Promise):
            untranslated.append(config.name)
        for model in config.get_models():
            meta = model._meta
            for name in ("verbose_name", "verbose_name_plural"):
                if not isinstance(getattr(meta, name), Promise):
                    untranslated.append(f"{meta.label}.Meta.{name}")
            for field in meta.get_fields():
                if field.auto_created or not hasattr(field, "verbose_name"):
                    continue
                if not isinstance(field.verbose_name, Promise):
                    untranslated.append(f"{meta.label}.{field.name}")
    assert untranslated == []
