"""Reads of inspection tasks (docs/inspections.md §5), scoped by jurisdiction: an inspector's (or grid worker's)
own open tasks, a station's tasks for its staff. One query per list page (entity, region and station joined)."""

import calendar

from django.db.models import QuerySet
from django.utils import timezone

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset

from ..models import InspectionTask

STATION_VIEWERS = ADMIN_ROLES | {Role.STATION_STAFF, Role.AUDITOR}


def _base(user) -> QuerySet[InspectionTask]:
    if getattr(user, "role", None) == Role.ENTERPRISE and not user.is_superuser:
        return InspectionTask.objects.none()
    return scope_queryset(InspectionTask.objects.all(), user)


def task_list(
    *, user, region_code: str | None = None, mine: bool | None = None, status: str = InspectionTask.Status.OPEN,
    entity_id: int | None = None,
) -> QuerySet[InspectionTask]:  # fmt: skip
    """Tasks the user may see, the soonest due first (overdue, today, this month, later). `mine` (the default
    for a station's inspectors and for grid workers) keeps the user's own; otherwise station staff see their
    stations' tasks and administrators all in their jurisdiction."""
    qs = narrow_to(_base(user), region_code)
    if mine is None:  # inspectors and grid workers start on their own tasks; others on the station's or region's
        mine = not user.is_superuser and (user.role not in STATION_VIEWERS or user.inspection_stations.exists())
    if mine:
        qs = qs.filter(inspectors=user)
    elif user.role == Role.STATION_STAFF and not user.is_superuser:
        stations = list(user.inspection_stations.values_list("pk", flat=True))
        if stations:
            qs = qs.filter(station_id__in=stations)
    if status:
        qs = qs.filter(status=status)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    return qs.select_related("entity", "region", "station").order_by("due_on", "pk")


def bucket(task: InspectionTask, today=None) -> str:
    """overdue, today, month (later this month) or later: how the list groups a task."""
    today = today or timezone.localdate()
    if task.due_on < today:
        return "overdue"
    if task.due_on == today:
        return "today"
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    return "month" if task.due_on <= last else "later"


def task_get(*, user, pk: int) -> InspectionTask:
    qs = _base(user).select_related("entity", "region", "station")
    return get_in_scope(qs, user, pk=pk)


def task_inspectors(task: InspectionTask):
    return task.inspectors.order_by("pk")
