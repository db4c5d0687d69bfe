"""Task pages (docs/inspections.md §5): the signed-in inspector's open tasks (overdue and today first, this month
next), a station's tasks for its staff, and a task made by hand by a station user."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from shian.accounts.access import REGULATORS, STATION
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import error_messages
from shian.entities import selectors as entity_selectors

from ..selectors import tasks as selectors
from ..services import tasks as services

PER_PAGE = 50
BUCKETS = {
    "overdue": _("已超期"),
    "today": _("今天"),
    "month": _("本月"),
    "later": _("以后"),
}


@access(REGULATORS)
def task_list(request):
    """Open tasks, soonest first; `?all=1` shows a station's (or region's) tasks rather than one's own."""
    mine = None if request.GET.get("all") != "1" else False
    if request.GET.get("mine") == "1":
        mine = True
    qs = selectors.task_list(user=request.user, region_code=current_region_code(request), mine=mine)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(task, selectors.bucket(task, today)) for task in page]
    context = {"page": page, "rows": rows, "buckets": BUCKETS, "all": mine is False}
    return render(request, "inspections/task_list.html", context)


@access(STATION, objects="entity_id")
def task_new(request, entity_id: int):
    """A station user sets a task by hand (重点、飞行、开学季、整改复查), naming the station's inspectors."""
    entity = entity_selectors.entity_get(user=request.user, pk=entity_id)
    errors: list[str] = []
    station = None
    try:
        station = services.entity_station(entity)
    except ValidationError as exc:
        errors = error_messages(exc)
    if request.method == "POST" and station is not None:
        try:
            task = services.create_task(
                actor=request.user, entity=entity, kind=request.POST.get("kind", ""),
                due_on=_date(request.POST.get("due_on")),
                inspector_ids=request.POST.getlist("inspectors"), note=request.POST.get("note", ""),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("检查任务已安排。"))
            return redirect(reverse("inspections:tasks") + f"?all=1#task-{task.pk}")
    context = {
        "entity": entity,
        "station": station,
        "inspectors": station.inspectors.filter(is_active=True).order_by("pk") if station else [],
        "kinds": [(k.value, k.label) for k in services.MANUAL_KINDS],
        "errors": errors,
        "posted": request.POST,
        "chosen": set(request.POST.getlist("inspectors")),
        "today": timezone.localdate(),
    }
    return render(request, "inspections/task_form.html", context, status=422 if errors else 200)


def _date(text) -> "datetime.date | None":
    try:
        return parse_date(text or "")
    except ValueError:
        return None
