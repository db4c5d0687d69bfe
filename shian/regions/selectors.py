"""Reads of the region tree and grids, scoped to the acting user's jurisdiction."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from shian.core.jurisdiction import get_in_scope, narrow_to, require_in_scope, scope_queryset
from shian.core.regioncodes import prefixes

from .models import Boundary, Grid, Region


def region_list(*, user, parent_code: str | None = None, level: int | None = None, q: str = "") -> QuerySet[Region]:
    """Regions in the user's jurisdiction; children of `parent_code` (404 if that is out of scope or missing)."""
    qs = scope_queryset(Region.objects.all(), user, field="code")
    if parent_code:
        region_get(user=user, code=parent_code)
        qs = qs.filter(parent_id=parent_code)
    if level:
        qs = qs.filter(level=level)
    q = (q or "").strip()
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by("code")


def region_get(*, user, code: str) -> Region:
    """One region; 404 alike when missing or outside the jurisdiction, so existence does not leak."""
    return get_in_scope(Region.objects.all(), user, field="code", code=code)


def region_find(*, user, code: str | None) -> Region | None:
    """One region in the user's jurisdiction, or None when blank, missing or outside it (a page that shows
    nothing rather than a 404 for a region it cannot use)."""
    if not code:
        return None
    return scope_queryset(Region.objects.all(), user, field="code").filter(code=code).first()


def region_names(*, user, codes) -> dict[str, str]:
    """Code -> name of the given regions inside the user's jurisdiction (codes outside it are left out, so
    a crafted code cannot probe a name)."""
    codes = [c for c in codes if c]
    if not codes:
        return {}
    return dict(
        scope_queryset(Region.objects.all(), user, field="code").filter(code__in=codes).values_list("code", "name")
    )


def region_ancestors(region: Region) -> list[Region]:
    """The region's ancestors and the region itself, province first (the breadcrumb), in one query.

    Codes are prefixes of each other, so the ancestors are the 2/4/6/9-digit prefixes of the code.
    Callers showing a user's path trim what lies above the user's jurisdiction.
    """
    return list(Region.objects.filter(code__in=prefixes(region.code)).order_by("level"))


def grid_list(*, user, region_code: str | None = None) -> QuerySet[Grid]:
    """Grids whose region lies in the user's jurisdiction, optionally narrowed to a sub-region."""
    return narrow_to(scope_queryset(Grid.objects.all(), user), region_code)


def grid_worker_get(*, user, pk: int):
    """The account named as a grid's worker, found as the accounts app finds any account: oneself, or with the
    right to view accounts an account inside the jurisdiction; 404 otherwise. Through the auth user model, so
    regions does not import the accounts app that builds on it."""
    if user.is_authenticated and user.pk == pk:
        return user
    if not user.has_perm("accounts.view_accounts"):
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return get_in_scope(get_user_model().objects.select_related("region", "department", "entity"), user, pk=pk)


def child_boundaries(*, user, region_code: str) -> dict | None:
    """The outlines of the region's direct children as a GeoJSON FeatureCollection, for the 一张图 map.

    Features carry properties {"code", "name"}; "sources" lists where the outlines came from (shown on the
    map). None when no child has an outline; Http404 when the region is outside the user's jurisdiction.
    """
    require_in_scope(user, region_code)
    rows = (
        Boundary.objects.filter(region__parent_id=region_code)
        .order_by("region_id")
        .values_list("region_id", "region__name", "geometry", "source")
    )
    features, sources = [], set()
    for code, name, geometry, source in rows:
        features.append({"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry})
        sources.add(source)
    if not features:
        return None
    return {"type": "FeatureCollection", "features": features, "sources": sorted(sources)}


def has_child_boundaries(region_code: str) -> bool:
    """Whether any direct child of the region has an outline (the map falls back to points otherwise)."""
    return Boundary.objects.filter(region__parent_id=region_code).exists()
