"""Reads of the loaded catalogs (global rules, the same for every county) and of the catalog uploads, scoped to
the uploader's jurisdiction (docs/evaluation.md §1.1)."""

from django.db.models import Count, Q, QuerySet

from shian.core.jurisdiction import get_in_scope, scope_queryset

from ..models import Catalog, CatalogUpload


def catalog_list() -> QuerySet[Catalog]:
    return Catalog.objects.annotate(
        n_aspects=Count("aspects", distinct=True),
        n_subs=Count("sub_items", distinct=True),
        n_vetoes=Count("sub_items", filter=Q(sub_items__veto=True), distinct=True),
    ).order_by("-loaded_at", "-id")


def upload_list(*, user) -> QuerySet[CatalogUpload]:
    return scope_queryset(CatalogUpload.objects.select_related("created_by", "catalog"), user)


def upload_get(*, user, pk: int) -> CatalogUpload:
    return get_in_scope(CatalogUpload.objects.select_related("created_by", "catalog"), user, pk=pk)
