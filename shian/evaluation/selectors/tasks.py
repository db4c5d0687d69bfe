"""Reads of evaluations and their tasks (docs/evaluation.md §2), scoped to the user's jurisdiction; a department
account sees only its own department's tasks."""

from django.db.models import Count, QuerySet

from shian.accounts.models import Role
from shian.core.jurisdiction import get_in_scope, scope_queryset

from ..models import Evaluation, Task


def evaluation_list(*, user) -> QuerySet[Evaluation]:
    return scope_queryset(Evaluation.objects.select_related("region", "catalog"), user)


def evaluation_get(*, user, pk: int) -> Evaluation:
    return get_in_scope(Evaluation.objects.select_related("region", "catalog"), user, pk=pk)


def task_list(
    *, user, evaluation: Evaluation | None = None, status: str = "", sub_item_id: int | None = None
) -> QuerySet[Task]:
    qs = scope_queryset(Task.objects.select_related("sub_item", "department", "evaluation"), user,
                        field="evaluation__region")  # fmt: skip
    if not user.is_superuser and user.role == Role.DEPARTMENT_STAFF:
        qs = qs.filter(department_id=user.department_id, department__isnull=False)
    if evaluation is not None:
        qs = qs.filter(evaluation=evaluation)
    if status:
        qs = qs.filter(status=status)
    if sub_item_id is not None:
        qs = qs.filter(sub_item_id=sub_item_id)
    return qs.order_by("due", "sub_item__no", "id")


def task_counts(*, user, evaluation: Evaluation) -> dict[int, dict[str, int]]:
    """sub-item id -> {status: number of the user's visible tasks}: what the evaluation page shows instead of
    every task (a county holds thousands)."""
    counts: dict[int, dict[str, int]] = {}
    rows = task_list(user=user, evaluation=evaluation).order_by().values_list("sub_item_id", "status")
    for sub_id, status, n in rows.annotate(n=Count("id")):
        counts.setdefault(sub_id, {})[status] = n
    return counts


def task_get(*, user, pk: int) -> Task:
    return get_in_scope(task_list(user=user), user, field="evaluation__region", pk=pk)
