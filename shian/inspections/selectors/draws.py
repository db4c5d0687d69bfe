"""双随机一公开 draws as pages read them (docs/inspections.md §4): a jurisdiction's draws, one draw's tasks with
entity names, inspectors and outcomes, and the public list of published results (no phones, no ID numbers)."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from shian.accounts.models import User
from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset
from shian.entities.models import Entity

from ..models import Inspection, InspectionTask, RandomDraw


def draw_list(*, user, region_code: str | None = None):
    qs = scope_queryset(RandomDraw.objects.select_related("region", "station", "created_by"), user)
    return (
        narrow_to(qs, region_code)
        .defer("candidates", "inspectors", "exclusions", "result", "weights")
        .annotate(tasks_n=Count("tasks"))
        .order_by("-created_at", "-id")
    )


def draw_get(*, user, pk: int) -> RandomDraw:
    return get_in_scope(RandomDraw.objects.select_related("region", "station", "created_by"), user, pk=pk)


def is_overdue(draw: RandomDraw, today: datetime.date | None = None) -> bool:
    return not draw.published_at and draw.publish_due is not None and draw.publish_due < (today or timezone.localdate())


def draw_rows(draw: RandomDraw, *, limit: int | None = None) -> list[dict]:
    """The draw's tasks as rows: entity name and USCC, inspectors' names, status, and the outcome once signed."""
    tasks = list(InspectionTask.objects.filter(draw=draw).select_related("entity", "station").order_by("id")[:limit])
    crews: dict[int, list[int]] = {}
    through = InspectionTask.inspectors.through
    for tid, uid in through.objects.filter(inspectiontask_id__in=[t.pk for t in tasks]).values_list(
        "inspectiontask_id", "user_id"
    ):
        crews.setdefault(tid, []).append(uid)
    names = dict(User.objects.filter(pk__in={u for c in crews.values() for u in c}).values_list("pk", "name"))
    outcomes = {
        task_id: (outcome, label)
        for task_id, outcome, label in (
            (i.task_id, i.outcome, i.get_outcome_display())
            for i in Inspection.objects.filter(task__in=tasks).only("task_id", "outcome")
        )
    }
    return [
        {
            "task": t,
            "entity": t.entity,
            "inspectors": [names.get(u, "") for u in sorted(crews.get(t.pk, []))],
            "outcome": outcomes.get(t.pk, (None, ""))[0],
            "outcome_label": outcomes.get(t.pk, (None, ""))[1],
        }
        for t in tasks
    ]


def public_draws():
    """Published draws, newest first: only what the public page may show."""
    return (
        RandomDraw.objects.filter(published_at__isnull=False)
        .select_related("region")
        .defer("candidates", "inspectors", "exclusions", "result", "weights")
        .order_by("-published_at", "-id")
    )


def public_rows(draw: RandomDraw) -> list[dict]:
    """Entity name, USCC, inspectors' names and the outcome of each drawn entity: no phones, no ID numbers."""
    return [
        {"name": r["entity"].name, "uscc": r["entity"].uscc, "inspectors": r["inspectors"],
         "outcome": r["outcome_label"]}
        for r in draw_rows(draw)
    ]  # fmt: skip


def publication_counts(*, user, region_code: str | None, today: datetime.date, soon_days: int) -> dict:
    """Unpublished draws of the jurisdiction: past their publication deadline, and due within `soon_days`."""
    qs = narrow_to(scope_queryset(RandomDraw.objects.filter(published_at__isnull=True), user), region_code)
    soon = today + datetime.timedelta(days=soon_days)
    return qs.order_by().aggregate(
        overdue=Count("pk", filter=Q(publish_due__lt=today)),
        soon=Count("pk", filter=Q(publish_due__gte=today, publish_due__lte=soon)),
    )


def entity_choices(*, user, q: str, limit: int = 20):
    """Entities of the jurisdiction matching a name or USCC (the conflict form's picker)."""
    qs = scope_queryset(Entity.objects.all(), user)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(uscc__startswith=q))
    return qs.order_by("name")[:limit]
