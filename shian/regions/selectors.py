"""Reads of the region tree and grids, scoped to the acting user's jurisdiction."""

from django.db.models import QuerySet

from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset

from .models import Grid, Region


def region_list(*, user, parent_code: str | None = None, level: int | None = None, q: str = "") -> QuerySet[Region]:
    qs = scope_queryset(Region.objects.all(), user, field="code")
    if parent_code:
        region_get(user=user, code=parent_code)
        qs = qs.filter(parent_id=parent_code)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by("code")


def region_get(*, user, code: str) -> Region:
    return get_in_scope(Region.objects.all(), user, field="code", code=code)


def region_ancestors(region: Region) -> list[Region]:
    """The region and its ancestors, province first, in one query (codes are prefixes of each other)."""
    lengths = [n for n in (2, 4, 6, 9, 12) if n <= len(region.code)]
    return list(Region.objects.filter(code__in=[region.code[:n] for n in lengths]).order_by("level"))


def grid_list(*, user, region_code: str | None = None) -> QuerySet[Grid]:
    return narrow_to(scope_queryset(Grid.objects.all(), user), region_code)
