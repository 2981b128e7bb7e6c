"""Reads of the org unit tree. Callers never depend on how the tree is stored.

The tree is kept as materialised paths ("/51/5133/513301/"); only this module knows it. A
subtree, a unit's ancestors or the child a unit lies under are asked for here.

>>> path_within("/51/5133/513301/", "/51/5133/"), path_within("/51/5133/", "/51/5133/513301/")
(True, False)
>>> ancestor_paths("/51/5133/513301/")
['/51/', '/51/5133/', '/51/5133/513301/']
"""

from django.db.models import Q, QuerySet

from .models import Level, OrgUnit


def orgunit_ancestors(orgunit: OrgUnit, *, include_self: bool = False) -> list[OrgUnit]:
    """Return the unit's ancestors from the root down (and the unit itself if asked)."""
    codes = ancestor_codes(orgunit.path)
    if not include_self:
        codes = codes[:-1]
    by_code = {o.code: o for o in OrgUnit.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


# The path of the whole tree (a superuser's scope), and one no unit has: a subtree asked for
# without a path holds nothing.
WHOLE_TREE = "/"
_NOWHERE = "/-none-/"


def in_subtree(path: str | None, *, via: str = "") -> Q:
    """The rows whose org unit lies in the subtree at ``path`` (the unit itself included),
    reached through the relation ``via`` ("orgunit", "family__orgunit"…; "" for org units
    themselves). Without a path, no row."""
    return Q(**{f"{via}__path__startswith" if via else "path__startswith": path or _NOWHERE})


def in_subtree_of_code(code: str, *, via: str = "") -> Q:
    """As :func:`in_subtree`, for the unit of that code (which need not be looked up first)."""
    return Q(**{f"{via}__path__contains" if via else "path__contains": f"/{code}/"})


def in_ancestry(path: str, *, via: str = "") -> Q:
    """The rows whose org unit is the unit at ``path`` or one of its ancestors."""
    return Q(**{f"{via}__path__in" if via else "path__in": ancestor_paths(path)})


def path_within(path: str, ancestor: str) -> bool:
    """Whether the unit at ``path`` lies in the subtree at ``ancestor`` (itself included); an
    empty ancestor holds nothing, as :func:`in_subtree` says."""
    return bool(ancestor) and path.startswith(ancestor)


def ancestor_codes(path: str) -> list[str]:
    """The codes of the unit's ancestors from the root down, and of the unit itself."""
    return [p for p in path.strip("/").split("/") if p]


def ancestor_paths(path: str) -> list[str]:
    """The paths of the unit's ancestors from the root down, and of the unit itself."""
    parts = ancestor_codes(path)
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def child_below(orgunit: OrgUnit) -> dict[int, str]:
    """For every unit strictly below ``orgunit``: the code of the child of ``orgunit`` it lies
    under (the child itself included)."""
    depth = orgunit.path.count("/") - 1
    return {
        pk: path.split("/")[depth + 1]
        for pk, path in OrgUnit.objects.filter(in_subtree(orgunit.path))
        .exclude(pk=orgunit.pk)
        .values_list("pk", "path")
    }


def orgunit_descendants(orgunit: OrgUnit, *, include_self: bool = False) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(in_subtree(orgunit.path))
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
