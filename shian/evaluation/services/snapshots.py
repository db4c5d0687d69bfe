"""Weekly score snapshots and the Monday dispatch's evaluation section (docs/evaluation.md §4): the change since last
week's snapshot, the departments behind schedule (overdue open tasks) and the items losing the most points."""

import datetime
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from ..models import Evaluation, Snapshot, Task
from . import score as scoring

TOP = 5  # how many departments and items the report lists: a layout choice, not a rule


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def take(evaluation: Evaluation, today: datetime.date) -> Snapshot:
    """This week's snapshot of the evaluation (replaced when taken again in the same week)."""
    result = scoring.score(evaluation, today)
    snapshot, _created = Snapshot.objects.update_or_create(
        evaluation=evaluation, week=monday(today),
        defaults={"total": Decimal(str(result["total"])), "projected": Decimal(str(result["projected"])),
                  "by_aspect": result["by_aspect"], "by_item": result["by_item"]},
    )  # fmt: skip
    return snapshot


def take_all(today: datetime.date | None = None) -> int:
    """The scheduled job's work: a snapshot of every evaluation this week."""
    today = today or timezone.localdate()
    return sum(1 for ev in Evaluation.objects.select_related("catalog") if take(ev, today))


def behind(evaluation: Evaluation, today: datetime.date) -> list[dict]:
    """Departments with open tasks past their due date, most first."""
    rows = (Task.objects.filter(evaluation=evaluation, due__lt=today).exclude(status=Task.Status.ACCEPTED)
            .values("department_id", "department__name").annotate(n=Count("id"))
            .order_by("-n", "department_id")[:TOP])  # fmt: skip
    return [{"department": r["department__name"], "overdue": r["n"]} for r in rows]


def weekly_section(*, region_code: str, week: datetime.date, as_of: datetime.date) -> list[dict]:
    """The evaluation section of the weekly dispatch for each evaluation of the county (empty when none)."""
    out = []
    for evaluation in Evaluation.objects.select_related("catalog").filter(region_id=region_code):
        result = scoring.score(evaluation, as_of)
        before = (Snapshot.objects.filter(evaluation=evaluation, week__lt=week).order_by("-week")
                  .values_list("total", flat=True).first())  # fmt: skip
        titles = dict(evaluation.catalog.aspects.values_list("items__no", "items__title"))
        losing = sorted(((av - e, no) for no, (e, av) in result["by_item"].items() if av > e), reverse=True)[:TOP]
        out.append({
            "catalog": evaluation.catalog.title, "version": evaluation.catalog.version,
            "total": result["total"], "max": result["max"], "projected": result["projected"],
            "before": float(before) if before is not None else None,
            "veto_failed": result["veto_failed"], "behind": behind(evaluation, as_of),
            "losing": [{"item": f"{no}. {titles.get(int(no), '')}", "lost": round(lost, 2)} for lost, no in losing],
        })  # fmt: skip
    return out
