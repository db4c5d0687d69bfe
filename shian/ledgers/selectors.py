"""Reads of import batches, scoped to the acting user's jurisdiction."""

from django.db.models import QuerySet

from shian.core.jurisdiction import get_in_scope, scope_queryset
from shian.imports.batches import live_progress

from .models import ImportBatch


def batch_list(*, user) -> QuerySet[ImportBatch]:
    return scope_queryset(ImportBatch.objects.select_related("created_by", "region"), user).order_by("-created_at")


def batch_get(*, user, pk: int) -> ImportBatch:
    """The batch, with its rows checked so far while it runs."""
    return live_progress(get_in_scope(ImportBatch.objects.select_related("created_by", "region"), user, pk=pk))
