"""Reads of the cadre roster, scoped to the acting user's jurisdiction."""

from django.db.models import Q, QuerySet

from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset

from .models import Cadre, Guarantee


def cadre_list(
    *, user, region_code: str | None = None, q: str = "", level: str = "", status: str = ""
) -> QuerySet[Cadre]:
    qs = narrow_to(scope_queryset(Cadre.objects.select_related("region", "department"), user), region_code)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(position__contains=q))
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("region_id", "level", "name", "pk")


def cadre_get(*, user, pk: int) -> Cadre:
    return get_in_scope(Cadre.objects.select_related("region", "department"), user, pk=pk)


def cadre_guarantees(*, user, cadre: Cadre) -> QuerySet[Guarantee]:
    """The entities a cadre guarantees now (published), for their lists and commitment."""
    cadre_get(user=user, pk=cadre.pk)
    return (
        Guarantee.objects.filter(cadre=cadre)
        .select_related("entity", "entity__region", "supporter")
        .order_by("entity__region_id", "entity__name")
    )


def township_cadres(*, user, township_code: str) -> QuerySet[Cadre]:
    """Cadres of a township and its villages who guarantee someone: the batch of one zip download."""
    qs = narrow_to(scope_queryset(Cadre.objects.select_related("region"), user), township_code)
    return qs.filter(guarantees__isnull=False).distinct().order_by("region_id", "level", "name", "pk")
