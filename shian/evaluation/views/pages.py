"""Pages of the evaluation (docs/evaluation.md §5): the evaluation page (aspects → items → sub-items with points,
tasks, evidence; every point traced to a finding), a department's task list that fits a phone with the evidence
form, the 食安办's review and points, and the catalog page (loaded versions, a new version from a workbook)."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shian.accounts.access import ADMINS, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages
from shian.imports.batches import report_response
from shian.reports.xlsx import CONTENT_TYPE

from ..models import Evidence, SubItem, Task
from ..selectors import catalogs as catalog_selectors
from ..selectors import tasks as selectors
from ..services import catalog as catalog_services
from ..services import score as scoring
from ..services import tasks as services

READERS = STATION | {Role.DEPARTMENT_STAFF, Role.AUDITOR}
WORKERS = ADMINS | {Role.DEPARTMENT_STAFF}
PENDING_SHOWN = 5  # tasks awaiting review shown per sub-item on the evaluation page (a page size, not a rule)


@access(READERS)
def evaluation_list(request):
    return render(request, "evaluation/evaluation_list.html",
                  {"evaluations": selectors.evaluation_list(user=request.user)[:50],
                   "can_load": services.is_reviewer(request.user)})  # fmt: skip


@access(READERS, objects="evaluation")
def evaluation_detail(request, pk: int):
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)
    today = timezone.localdate()
    rows = scoring.load_rows(evaluation, today)
    result = scoring.compute(rows, today)
    # the page stays the size of the catalog: per sub-item the task counts by state, and only the tasks
    # waiting for review (the newest few, with their evidence); the rest is on the task list (?sub_item=)
    counts = selectors.task_counts(user=request.user, evaluation=evaluation)
    tasks: dict[int, list] = {}
    waiting = selectors.task_list(user=request.user, evaluation=evaluation, status=Task.Status.SUBMITTED)
    for task in waiting.select_related(None).select_related("department").order_by("-id").iterator():
        shown = tasks.setdefault(task.sub_item_id, [])
        if len(shown) < PENDING_SHOWN:
            shown.append(task)
    evidence: dict[int, list] = {}
    for ev in Evidence.objects.filter(task__in=[t.pk for ts in tasks.values() for t in ts]).select_related("task"):
        evidence.setdefault(ev.task.sub_item_id, []).append(ev)
    labels = dict(Task.Status.choices)
    aspects = []
    for aspect in rows.aspects:
        items = []
        for item in aspect.items:
            subs = [{"sub": s, "earned": scoring.sub_earned(rows, s), "result": rows.results.get(s.id) or {},
                     "tasks": tasks.get(s.id, []), "evidence": evidence.get(s.id, []), "figure": rows.figures.get(s.id),
                     "figure_points": rows.indicator_points.get(s.id),
                     "counts": [(labels[k], n) for k, n in sorted(counts.get(s.id, {}).items())],
                     "more": counts.get(s.id, {}).get(Task.Status.SUBMITTED, 0) > PENDING_SHOWN} for s in item.subs]  # fmt: skip
            earned, available = result["by_item"][str(item.no)]
            items.append({"item": item, "earned": earned, "available": available, "subs": subs})
        aspects.append({"aspect": aspect, "earned": result["by_aspect"][aspect.name], "items": items})
    return render(request, "evaluation/evaluation_detail.html", {
        "evaluation": evaluation, "result": result, "aspects": aspects,
        "vetoes": [{"sub": v, "figure": rows.figures.get(v.id)} for v in rows.vetoes],
        "can_review": services.is_reviewer(request.user) and not request.user.role == Role.AUDITOR,
    })  # fmt: skip


@access(WORKERS)
def task_list(request):
    """A department's tasks (the 食安办 sees all in its jurisdiction), open ones first, with the evidence form."""
    status = request.GET.get("status", "")
    status = status if status in Task.Status.values else ""
    sub_item = request.GET.get("sub_item", "")
    sub_item_id = int(sub_item) if sub_item.isdigit() else None
    tasks = selectors.task_list(user=request.user, status=status, sub_item_id=sub_item_id).prefetch_related("evidence")
    return render(request, "evaluation/task_list.html", {
        "tasks": tasks[:200], "status": status, "sub_item": sub_item_id or "", "statuses": Task.Status.choices,
        "today": timezone.localdate(),
        "can_review": services.is_reviewer(request.user) and not request.user.role == Role.AUDITOR,
    })  # fmt: skip


@access(WORKERS, objects="evaluation_task")
@require_POST
def task_evidence(request, pk: int):
    task = selectors.task_get(user=request.user, pk=pk)
    try:
        services.add_evidence(actor=request.user, task=task, upload=request.FILES.get("file"),
                              link=request.POST.get("link", ""), note=request.POST.get("note", ""))  # fmt: skip
        messages.success(request, "佐证材料已提交，等待食安办审核。")
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    return redirect("evaluation:task_list")


@access(ADMINS, objects="evaluation_task")
@require_POST
def task_review(request, pk: int):
    task = selectors.task_get(user=request.user, pk=pk)
    try:
        services.review(actor=request.user, task=task, accept=request.POST.get("decision") == "accept",
                        reason=request.POST.get("reason", ""))  # fmt: skip
        messages.success(request, "已审核。")
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    return redirect("evaluation:evaluation_detail", pk=task.evaluation_id)


@access(ADMINS, objects="evaluation")
@require_POST
def sub_item_decide(request, pk: int):
    """Points, 合理缺项 or a veto decision for one sub-item of the evaluation."""
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)
    sub = SubItem.objects.filter(catalog=evaluation.catalog, pk=request.POST.get("sub_item") or 0).first()
    try:
        if sub is None:
            raise ValidationError("小项不存在。")
        action = request.POST.get("action")
        if action == "na":
            services.mark_not_applicable(actor=request.user, evaluation=evaluation, sub_item=sub,
                                         reason=request.POST.get("reason", ""))  # fmt: skip
        elif action == "veto":
            services.decide_veto(actor=request.user, evaluation=evaluation, sub_item=sub,
                                 failed=request.POST.get("failed") == "1", reason=request.POST.get("reason", ""))  # fmt: skip
        else:
            services.assign_points(actor=request.user, evaluation=evaluation, sub_item=sub,
                                   points=request.POST.get("points", ""))  # fmt: skip
        messages.success(request, "已保存。")
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    return redirect("evaluation:evaluation_detail", pk=evaluation.pk)


# -- catalogs (docs/evaluation.md §1.1) ---------------------------------------------------------------------------

UPLOADS_SHOWN = 20  # recent uploads listed on the catalog page (a page size, not a rule)
ERRORS_SHOWN = 200


@access(ADMINS)
def catalog_list(request):
    """The loaded catalog versions, the workbook upload (a new version, all or nothing) and the recent uploads."""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要上传的评价细则工作簿（xlsx）。")
        else:
            with service_errors_as_messages(request):
                batch = catalog_services.upload_workbook(actor=request.user, name=upload.name, data=upload.read())
                return redirect("evaluation:catalog_upload", pk=batch.pk)
    return render(request, "evaluation/catalog_list.html", {
        "catalogs": catalog_selectors.catalog_list(),
        "uploads": catalog_selectors.upload_list(user=request.user)[:UPLOADS_SHOWN],
    })  # fmt: skip


@access(ADMINS, objects="catalog_upload")
def catalog_upload(request, pk: int):
    """One upload: its status, the catalog it loaded, or its cell errors and the error report."""
    batch = catalog_selectors.upload_get(user=request.user, pk=pk)
    return render(request, "evaluation/catalog_upload.html", {"batch": batch, "errors": batch.errors[:ERRORS_SHOWN]})


@access(ADMINS, objects="catalog_upload")
def catalog_upload_report(request, pk: int):
    return report_response(catalog_selectors.upload_get(user=request.user, pk=pk), "该次上传没有错误报告。")


@access(ADMINS)
def catalog_template(request):
    """The shipped catalog in the workbook format: the example a clerk edits into a new version."""
    return FileResponse(io.BytesIO(catalog_services.template_xlsx()), as_attachment=True,
                        filename="评价细则模板（内蒙古 2023 版示例）.xlsx", content_type=CONTENT_TYPE)  # fmt: skip
