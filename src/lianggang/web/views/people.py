"""User administration (用户管理), for administrators: the users with their role, unit and
departments (filtered); a new user; a user's membership changed, the user deactivated or
reactivated (never deleted: the audit points at users) or given a one-time password; users
imported from an Excel sheet, previewed, then created all together or not at all.

A one-time password is shown once, on the answer to the request that made it (never stored,
never cached); an import's passwords are also offered once as an .xlsx inside that answer.
Every change is logged against the user as the admin site's changes are.
"""

from __future__ import annotations

import base64
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianggang.accounts.errors import AccountsError, Forbidden, NotFound
from lianggang.accounts.models import Role
from lianggang.accounts.people_workbook import (
    RawRow,
    choices_sheet_title,
    column_title,
    passwords_workbook,
    people_plan,
    people_template,
    read_people,
)
from lianggang.accounts.selectors import (
    access_managed_user,
    access_user_admin,
    departments_grantable_by,
    membership_of,
    orgunits_grantable_by,
    user_history,
    users_managed_by,
)
from lianggang.accounts.services import (
    MembershipSpec,
    user_create,
    user_password_reset,
    user_set_active,
    user_update,
    users_create_many,
)
from lianggang.orgunits.models import Department, OrgUnit

from ._shared import XLSX, actor, domain_page, download

people_page = domain_page(not_found=NotFound, forbidden=Forbidden)

# An upload's rows between its preview and its confirmation (the session, not a table: a user
# list is small, and it is the uploader's alone).
PENDING_KEY = "lianggang_people_import"
PER_PAGE = 50


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class MembershipForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    # No role chosen in advance: an administrator's role is given on purpose, never by default.
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=[("", "—"), *Role.choices])
    orgunit = _UnitChoice(
        label=gettext_lazy("Org unit (with the units below it)"), queryset=OrgUnit.objects.none()
    )
    all_departments = forms.BooleanField(label=gettext_lazy("All departments"), required=False)
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, admin: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orgunit"].queryset = orgunits_grantable_by(admin)  # type: ignore[attr-defined]
        self.fields["departments"].queryset = departments_grantable_by(admin)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("all_departments") and not data.get("departments"):
            self.add_error("departments", _("Choose the departments, or tick “All departments”."))
        return data

    def spec(self) -> MembershipSpec:
        data = self.cleaned_data
        return MembershipSpec(
            role=data["role"],
            orgunit=data["orgunit"],
            departments=tuple(data["departments"]),
            all_departments=bool(data["all_departments"]),
        )


class NewUserForm(MembershipForm):
    username = forms.CharField(
        label=gettext_lazy("User name"),
        max_length=150,
        help_text=gettext_lazy("What the person types to sign in: letters, digits and @.+-_"),
        validators=[get_user_model().username_validator],
    )
    field_order = ("name", "username", "role", "orgunit", "all_departments", "departments")

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("The user name “%(username)s” is taken.") % {"username": username}
            )
        return username


def _rows(users: Any) -> list[dict[str, Any]]:
    out = []
    for user in users:
        membership = getattr(user, "membership", None)
        row = {"user": user, "role": "", "orgunit": "", "departments": ""}
        if membership is not None:
            row["role"] = membership.get_role_display()
            row["orgunit"] = membership.orgunit.name
            row["departments"] = (
                _("all departments")
                if membership.all_departments
                else "、".join(d.name for d in membership.departments.all())
            )
        out.append(row)
    return out


@people_page
def user_list(request: HttpRequest) -> HttpResponse:
    access_user_admin(request.user)
    users = users_managed_by(request.user).select_related("membership__orgunit")
    asked = {k: request.GET.get(k, "").strip() for k in ("q", "department", "orgunit", "role")}
    active = request.GET.get("active", "1")
    if asked["q"]:
        users = users.filter(
            Q(username__icontains=asked["q"]) | Q(first_name__icontains=asked["q"])
        )
    if asked["department"]:
        users = users.filter(
            Q(membership__departments__code=asked["department"])
            | Q(membership__all_departments=True)
        )
    if asked["orgunit"]:
        users = users.filter(membership__orgunit__code=asked["orgunit"])
    if asked["role"]:
        users = users.filter(membership__role=asked["role"])
    if active in ("0", "1"):
        users = users.filter(is_active=active == "1")
    users = users.distinct().prefetch_related("membership__departments").order_by("username")
    page = Paginator(users, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/people/list.html",
        {
            "page": page,
            "rows": _rows(page.object_list),
            "asked": asked,
            "active": active,
            "departments": departments_grantable_by(request.user),
            "orgunits": orgunits_grantable_by(request.user),
            "roles": Role.choices,
            "query": query.urlencode(),
        },
    )


def _one_time(request: HttpRequest, user: Any, password: str, *, created: bool) -> HttpResponse:
    """The page that shows a one-time password, once: never cached."""
    response = render(
        request,
        "web/people/password.html",
        {"person": user, "password": password, "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


@people_page
@never_cache
def user_new(request: HttpRequest) -> HttpResponse:
    access_user_admin(request.user)
    form = NewUserForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = user_create(
                actor=actor(request),
                username=form.cleaned_data["username"],
                name=form.cleaned_data["name"],
                spec=form.spec(),
            )
        except AccountsError as exc:
            if isinstance(exc, Forbidden):
                raise
            form.add_error(None, str(exc))
        else:
            return _one_time(request, user, password, created=True)
    return render(
        request,
        "web/people/form.html",
        {"form": form, "person": None},
        status=422 if request.method == "POST" else 200,
    )


@people_page
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_managed_user(request.user, user_id)
    membership = membership_of(person)
    initial: dict[str, Any] = {"name": person.first_name}
    if membership is not None:
        initial |= {
            "role": membership.role,
            "orgunit": membership.orgunit,
            "departments": list(membership.departments.all()),
            "all_departments": membership.all_departments,
        }
    form = MembershipForm(request.POST or None, admin=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = user_update(
                actor=actor(request),
                user_id=person.pk,
                name=form.cleaned_data["name"],
                spec=form.spec(),
            )
        except AccountsError as exc:
            if isinstance(exc, (Forbidden, NotFound)):
                raise
            form.add_error(None, str(exc))
        else:
            if changed:
                messages.success(request, _("Saved: %(changes)s") % {"changes": "; ".join(changed)})
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("web:people-edit", person.pk)
    return render(
        request,
        "web/people/form.html",
        {
            "form": form,
            "person": person,
            "is_self": person.pk == request.user.pk,
            "history": user_history(person)[:20],
        },
        status=422 if request.method == "POST" else 200,
    )


@people_page
@require_POST
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_managed_user(request.user, user_id)
    active = request.POST.get("active") == "1"
    try:
        user_set_active(actor=actor(request), user_id=person.pk, active=active)
    except AccountsError as exc:
        if isinstance(exc, (Forbidden, NotFound)):
            raise
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            (
                _("%(user)s is active again and can sign in.")
                if active
                else _("%(user)s is deactivated: every way in ends at once; the history is kept.")
            )
            % {"user": person.get_username()},
        )
    return redirect("web:people-edit", person.pk)


@people_page
@require_POST
@never_cache
def user_password(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_managed_user(request.user, user_id)
    try:
        user, password = user_password_reset(actor=actor(request), user_id=person.pk)
    except AccountsError as exc:
        if isinstance(exc, (Forbidden, NotFound)):
            raise
        messages.error(request, str(exc))
        return redirect("web:people-edit", person.pk)
    return _one_time(request, user, password, created=False)


@people_page
def import_template(request: HttpRequest) -> HttpResponse:
    return download(people_template(request.user), XLSX, _("users") + ".xlsx")


def _preview_context(plan: Any, filename: str) -> dict[str, Any]:
    return {
        "plan": plan,
        "filename": filename,
        "columns": [column_title(c) for c in ("name", "username", "department", "orgunit", "role")],
        "choices_sheet": choices_sheet_title(),
    }


@people_page
@require_POST
def import_preview(request: HttpRequest) -> HttpResponse:
    access_user_admin(request.user)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("web:people")
    filename = upload.name or "users.xlsx"
    sheet, raw, problems = read_people(upload.read(), filename)
    plan = people_plan(actor=actor(request), sheet=sheet, raw=raw) if not problems else None
    if plan is not None and plan.ok:
        request.session[PENDING_KEY] = {
            "filename": filename,
            "sheet": sheet,
            "rows": [[r.row, r.cells] for r in raw],
        }
    else:
        request.session.pop(PENDING_KEY, None)
    context = _preview_context(plan, filename)
    context["problems"] = problems or (plan.problems if plan else [])
    if plan is not None and plan.ok:
        context["preview_rows"] = [
            (r, raw_row, Role(r.spec.role).label)
            for r, raw_row in zip(plan.rows, plan.raw, strict=True)
        ]
    return render(
        request,
        "web/people/import_preview.html",
        context,
        status=200 if plan is not None and plan.ok else 422,
    )


@people_page
@require_POST
@never_cache
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Create exactly the previewed users, checked again now: all of them, or none."""
    access_user_admin(request.user)
    pending = request.session.pop(PENDING_KEY, None)
    if not isinstance(pending, dict):
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("web:people")
    raw = [RawRow(int(n), dict(cells)) for n, cells in pending.get("rows", [])]
    plan = people_plan(actor=actor(request), sheet=str(pending.get("sheet", "")), raw=raw)
    if not plan.ok:
        messages.error(
            request,
            _("The users changed since the preview; nothing was imported. Upload again.")
            + " "
            + "；".join(str(p) for p in plan.problems[:5]),
        )
        return redirect("web:people")
    try:
        made = users_create_many(actor=actor(request), rows=plan.rows)
    except AccountsError as exc:
        if isinstance(exc, Forbidden):
            raise
        messages.error(request, f"{exc} " + _("Nothing was imported."))
        return redirect("web:people")
    workbook = base64.b64encode(passwords_workbook(made)).decode()
    response = render(
        request,
        "web/people/import_done.html",
        {
            "made": made,
            "filename": pending.get("filename", ""),
            "workbook": workbook,
            "workbook_name": _("one-time passwords") + ".xlsx",
            "xlsx": XLSX,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
