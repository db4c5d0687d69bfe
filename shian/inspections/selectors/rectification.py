"""Reads of rectification orders (docs/inspections.md §5): regulators by jurisdiction, an enterprise only its own
entity's orders."""

from django.db.models import QuerySet
from django.utils import timezone

from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows

from ..models import RectificationOrder

ORDER_STATES = ("open", "answered", "closed", "escalated", "overdue", "unclosed")


def order_list(
    *, user, region_code: str | None = None, status: str = "", entity_id: int | None = None,
    inspector=None,
) -> QuerySet[RectificationOrder]:  # fmt: skip
    qs = narrow_to(scope_entity_rows(RectificationOrder.objects.all(), user), region_code)
    if status == "overdue":
        qs = qs.filter(status=RectificationOrder.Status.OPEN, due_at__lt=timezone.now())
    elif status == "unclosed":
        qs = qs.exclude(status=RectificationOrder.Status.CLOSED)
    elif status in ORDER_STATES:
        qs = qs.filter(status=status)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if inspector is not None:
        qs = qs.filter(inspection__signatures__inspector=inspector)
    return qs.select_related("entity", "region", "inspection").order_by("due_at", "pk")


def order_get(*, user, pk: int) -> RectificationOrder:
    qs = RectificationOrder.objects.select_related("entity", "region", "inspection", "inspection__station")
    return get_entity_row(qs, user, pk=pk)


def order_answers(order: RectificationOrder):
    return order.answers.select_related("answered_by").prefetch_related("files")


def order_rechecks(order: RectificationOrder):
    return order.rechecks.select_related("inspector")
