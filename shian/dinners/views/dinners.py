"""Pages of dinners (docs/dinners.md §5), phone first: the dinners of a region, the report form (a village, a chef
from the registry), one dinner with its grade and guidance, the guidance tasks and the on-site checklist."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from shian.accounts.access import REGULATORS
from shian.checklists.forms import posted_answers
from shian.checklists.models import Result
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import error_messages
from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.core.regioncodes import VILLAGE
from shian.regions.models import Region

from ..models import Grade, GuidanceTask
from ..selectors import dinners as selectors
from ..services import dinners as services
from ..services import guidance
from .common import GUIDES, PER_PAGE, REPORTERS

VILLAGE_CHOICES_MAX = 500  # a form's list; a county user narrows with the region switcher


@access(REGULATORS)
def dinner_list(request):
    get = request.GET
    filters = {"region_code": current_region_code(request), "q": get.get("q", "")[:50],
               "grade": get.get("grade", "") if get.get("grade") in Grade.values else ""}  # fmt: skip
    page = Paginator(selectors.dinner_list(user=request.user, **filters), PER_PAGE).get_page(get.get("page"))
    return render(request, "dinners/dinner_list.html", {"page": page, "filters": filters, "grades": Grade.choices,
                                                        "can_report": services.can_report(request.user)})  # fmt: skip


def _villages(request) -> list[tuple[str, str]]:
    qs = narrow_to(scope_queryset(Region.objects.filter(level=VILLAGE), request.user, field="code"),
                   current_region_code(request), field="code")  # fmt: skip
    return list(qs.order_by("code").values_list("code", "name")[:VILLAGE_CHOICES_MAX])


@access(REPORTERS)
def dinner_new(request):
    """The report form: the village, place and date, the host, diners, the chef from the registry, menu,
    ingredient sources and insurance."""
    errors: list[str] = []
    post = request.POST
    if request.method == "POST":
        try:
            dinner = services.report_dinner(
                actor=request.user, region_code=post.get("region_code", ""), place=post.get("place", ""),
                held_on=parse_date(post.get("held_on") or ""), occasion=post.get("occasion", ""),
                host_name=post.get("host_name", ""), host_phone=post.get("host_phone", ""),
                diners=post.get("diners", ""), tables=post.get("tables") or 0, chef_id=post.get("chef_id") or None,
                menu=post.get("menu", ""), sources=post.get("sources", ""), insured=post.get("insured") == "1",
                insurer=post.get("insurer", ""), policy_number=post.get("policy_number", ""),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        except ValueError:
            errors = [_("聚餐日期格式不正确。")]
        else:
            text = _("聚餐已报告（%(g)s）。") % {"g": dinner.get_grade_display()}
            if dinner.grade != Grade.FILED:
                text += _("已生成现场指导任务。")
            messages.success(request, text)
            return redirect("dinners:dinner_detail", pk=dinner.pk)
    context = {"errors": errors, "posted": post, "villages": _villages(request),
               "chefs": selectors.chef_choices(user=request.user)[:VILLAGE_CHOICES_MAX]}  # fmt: skip
    return render(request, "dinners/dinner_form.html", context, status=422 if errors else 200)


@access(REGULATORS, objects="dinner")
def dinner_detail(request, pk: int):
    dinner = selectors.dinner_get(user=request.user, pk=pk)
    task = GuidanceTask.objects.filter(dinner=dinner).select_related("assignee").first()
    visit = selectors.visit_of(task) if task else None
    return render(request, "dinners/dinner_detail.html", {"dinner": dinner, "task": task, "visit": visit})


@access(GUIDES)
def task_list(request):
    status = request.GET.get("status", "open")
    status = status if status in GuidanceTask.Status.values else ""
    mine = request.GET.get("mine") == "1"
    qs = selectors.task_list(user=request.user, region_code=current_region_code(request), status=status, mine=mine)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dinners/task_list.html", {"page": page, "status": status, "mine": mine,
                                                      "statuses": GuidanceTask.Status.choices})  # fmt: skip


@access(GUIDES, objects="dinner_task")
def task_form(request, pk: int):
    """The on-site guidance checklist of a task (the version in force in the village); signed once, then shown."""
    task = selectors.task_get(user=request.user, pk=pk)
    errors: list[str] = []
    post = request.POST
    checklist = None
    try:
        checklist = guidance.checklist_for(task)
    except ValidationError as exc:
        errors = error_messages(exc)
    if request.method == "POST" and checklist is not None and task.status == GuidanceTask.Status.OPEN:
        items = list(checklist.items.order_by("position"))
        try:
            visit, _created = guidance.sign_guidance(
                actor=request.user, task=task, client_key=post.get("client_key", ""),
                checklist_id=int(post.get("checklist_id") or 0),
                answers=posted_answers(post, request.FILES, items, _no_photos), host_signer=post.get("host_signer", ""),
                summary=post.get("summary", ""), started_at=_moment(post.get("started_at")),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        except ValueError:
            errors = [_("表单已损坏，请刷新后重新填写。")]
        else:
            messages.success(request, _("现场指导记录已签字提交。"))
            return redirect("dinners:task_form", pk=task.pk)
    context = {
        "task": task, "dinner": task.dinner, "checklist": checklist, "errors": errors, "posted": post,
        "items": checklist.items.order_by("position") if checklist else [], "results": Result.choices,
        "visit": selectors.visit_of(task), "may_guide": guidance.may_guide(request.user, task),
        "client_key": post.get("client_key") or uuid.uuid4(), "started_at": post.get("started_at")
        or timezone.now().isoformat(),
    }  # fmt: skip
    return render(request, "dinners/task_form.html", context, status=422 if errors else 200)


def _no_photos(upload):
    raise ValidationError(_("现场指导检查表不接收照片附件。"))


def _moment(text):
    try:
        value = parse_datetime((text or "").strip())
    except ValueError:
        return None
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value
