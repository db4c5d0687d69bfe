"""Reads of grids (docs/inspections.md §1): the 社区网格 of a region with their entity counts and workers, and the
entities no grid covers. Scoped to the user's jurisdiction."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.core.masking import mask_phone
from shian.core.regioncodes import COUNTY, ancestor
from shian.entities.models import Entity
from shian.regions.models import Grid


def grid_list(*, user, region_code: str | None = None):
    """社区网格 in the user's jurisdiction under `region_code`, each with `entities` (operating entities in it)."""
    counts = (
        Entity.objects.filter(grid=OuterRef("pk"), status=Entity.Status.OPERATING)
        .order_by()
        .values("grid")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Grid.objects.filter(kind=Grid.Kind.COMMUNITY).select_related("region", "worker", "parent")
    qs = narrow_to(scope_queryset(qs, user), region_code)
    return qs.annotate(entities=Coalesce(Subquery(counts), 0)).order_by("region_id", "code")


def grid_choices(*, user, entity: Entity) -> list[tuple[int, str]]:
    """The 社区网格 an entity may be put in: those of its county inside the user's jurisdiction."""
    qs = scope_queryset(Grid.objects.filter(kind=Grid.Kind.COMMUNITY), user)
    qs = narrow_to(qs, ancestor(entity.region_id, COUNTY))
    return [(g.pk, f"{g.name}（{g.code}）") for g in qs.order_by("code")]


def unassigned(*, user, region_code: str | None = None):
    """Operating entities in the user's jurisdiction that no grid covers."""
    qs = scope_queryset(Entity.objects.filter(status=Entity.Status.OPERATING, grid__isnull=True), user)
    return narrow_to(qs, region_code).select_related("region").order_by("region_id", "name", "pk")


def worker_phone(grid: Grid) -> str:
    """The grid worker's phone, masked (docs/architecture.md §3.6)."""
    return mask_phone(getattr(grid.worker, "phone", "") or "")
