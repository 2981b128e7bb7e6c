"""The admin site's changes, audited with their values.

Django logs every admin addition, change and deletion (``LogEntry``: who, when, which object);
for a change it keeps only the names of the fields. ``AuditedAdmin`` writes each changed field's
old and new value into that entry too, so that a target value edited in the admin shows as
"target value: 95 → 98" in the object's history, like a data value's audit.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple, set)) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return ", ".join(sorted(str(v) for v in items)) or "—"
    return str(value)


class AuditedAdmin(admin.ModelAdmin):
    def construct_change_message(
        self, request: Any, form: Any, formsets: Any, add: bool = False
    ) -> Any:
        message = super().construct_change_message(request, form, formsets, add)
        if add or not form.changed_data:
            return message
        parts = []
        for name in form.changed_data:
            field = form.fields[name]
            old = form.initial.get(name)
            if hasattr(field, "queryset") and old is not None:
                ids = old if isinstance(old, (list, tuple)) else [old]
                ids = [getattr(i, "pk", i) for i in ids]
                old = list(field.queryset.model._default_manager.filter(pk__in=ids))
                if not isinstance(form.initial.get(name), (list, tuple)):
                    old = old[0] if old else None
            parts.append(f"{field.label}: {_shown(old)} → {_shown(form.cleaned_data.get(name))}")
        rest = LogEntry(change_message=json.dumps(message)).get_change_message()
        return "; ".join(parts) + (f" ({rest})" if formsets and rest else "")
