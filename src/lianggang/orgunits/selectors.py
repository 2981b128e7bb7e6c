"""Reads of the org unit tree. Callers never depend on how the tree is stored."""

from django.db.models import QuerySet

from .models import Level, OrgUnit


def orgunit_ancestors(orgunit: OrgUnit, *, include_self: bool = False) -> list[OrgUnit]:
    """Return the unit's ancestors from the root down (and the unit itself if asked)."""
    codes = [c for c in orgunit.path.split("/") if c]
    if not include_self:
        codes = codes[:-1]
    by_code = {o.code: o for o in OrgUnit.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def orgunit_descendants(orgunit: OrgUnit, *, include_self: bool = False) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(path__startswith=orgunit.path)
    if not include_self:
        qs = qs.exclude(pk=orgunit.pk)
    return qs


def orgunit_children(orgunit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(parent=orgunit).order_by("sort_order", "code")


def orgunit_home(*, code: str = "") -> OrgUnit | None:
    """Return the unit a dashboard opens on: the given code, else the highest aggregated one."""
    if code:
        return OrgUnit.objects.filter(code=code).first()
    return (
        OrgUnit.objects.filter(aggregated=True, level__lte=Level.PREFECTURE)
        .order_by("level", "code")
        .first()
        or OrgUnit.objects.order_by("level", "code").first()
    )
