"""The checklist engine's reads, each scoped to the acting user."""

from django.db.models import Q, QuerySet
from django.http import Http404

from shian.core.config import region_prefixes
from shian.core.jurisdiction import scope_queryset

from .models import Checklist


def checklist_list(*, user, kinds=None) -> QuerySet[Checklist]:
    """Versions a user may read: the province defaults, those of regions above the user (which apply to them)
    and those inside their jurisdiction; only of `kinds` when given (a module lists its own)."""
    if not user.is_authenticated:
        return Checklist.objects.none()
    if user.is_superuser:
        qs = Checklist.objects.all()
    else:
        code = user.region_id or ""
        above = region_prefixes(code)
        inside = scope_queryset(Checklist.objects.all(), user).values("pk")
        qs = Checklist.objects.filter(Q(region__isnull=True) | Q(region_id__in=above) | Q(pk__in=inside))
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return qs.select_related("region").order_by("kind", "region_id", "-version")


def checklist_get(*, user, pk: int, kinds=None) -> Checklist:
    """One version with its items, or 404 when the user may not read it."""
    checklist = checklist_list(user=user, kinds=kinds).filter(pk=pk).prefetch_related("items").first()
    if checklist is None:
        raise Http404
    return checklist
