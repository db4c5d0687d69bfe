"""Pages of lab results and disposal (docs/sampling.md §3, §4), phone first: the lab-file upload with progress
and the cell-level error report, one sample's results entered by hand, the disposal cases with the 五到位
evidence, the re-test and closing, and the cross-region notices the receiving region acknowledges and answers."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from shian.accounts.access import REGULATORS, SIGNED_IN, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages
from shian.core.uploads import stored_file_response
from shian.imports.batches import report_response
from shian.imports.workbooks import template_xlsx

from ..models import Disposal, LabResultBatch, Sample, SampleResult
from ..selectors import results as selectors
from ..selectors import samples as sample_selectors
from ..services import disposal as disposal_services
from ..services import results as services
from .samples import parse_moment

PER_PAGE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 200
ITEM_ROWS = 6


def _staff(user) -> bool:
    return user.is_superuser or user.role in STATION


# -- the lab file -------------------------------------------------------------------------------------------------


@access(STATION)
def lab_import(request):
    """Upload a lab file (validated and committed all-or-nothing by the task worker) and the user's uploads."""
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        mode = request.POST.get("mode", LabResultBatch.Mode.COMMIT)
        try:
            if upload is None:
                raise ValidationError({"file": [_("请选择检验结果文件。")]})
            batch = services.start_import(actor=request.user, name=upload.name, data=upload.read(), mode=mode)
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            return redirect("sampling:lab_batch", pk=batch.pk)
    page = Paginator(services.batch_list(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "errors": errors, "modes": [LabResultBatch.Mode.COMMIT, LabResultBatch.Mode.DRY_RUN]}
    return render(request, "sampling/lab_import.html", context, status=422 if errors else 200)


@access(STATION, objects="lab_batch")
def lab_batch(request, pk: int):
    """A batch's progress (the page polls while it runs), counts, failed samples and cell errors."""
    batch = services.batch_get(user=request.user, pk=pk)
    running = batch.status in (LabResultBatch.Status.QUEUED, LabResultBatch.Status.RUNNING)
    context = {"batch": batch, "running": running, "errors": batch.errors[:ERRORS_SHOWN],
               "failed": services.failed_samples(batch)}  # fmt: skip
    if request.headers.get("HX-Request"):
        return render(request, "sampling/lab_batch.html#status", context)
    return render(request, "sampling/lab_batch.html", context)


@access(STATION, objects="lab_batch")
def lab_batch_report(request, pk: int):
    """The upload with its bad cells marked (xlsx)."""
    return report_response(services.batch_get(user=request.user, pk=pk), _("本批次没有错误报告。"))


@access(STATION)
def lab_template(request):
    """The lab-result template (headers with notes, dropdowns for the verdicts)."""
    data = io.BytesIO(template_xlsx(services.SPEC))
    return FileResponse(data, as_attachment=True, filename="检验结果导入模板.xlsx", content_type=XLSX)


# -- one sample by hand -------------------------------------------------------------------------------------------


def _items(post) -> list[dict]:
    return [
        {key: post.get(f"{key}_{n}", "") for key in ("item", "value", "limit", "verdict")}
        for n in range(1, ITEM_ROWS + 1)
    ]


@access(STATION, objects="sample")
def sample_results(request, pk: int):
    """Enter one sample's results (a form that fits a phone), with the lab file's checks."""
    sample = sample_selectors.sample_get(user=request.user, pk=pk)
    errors: list[str] = []
    posted = request.POST
    if request.method == "POST":
        try:
            services.record_results(
                actor=request.user, sample=sample, items=_items(posted), conclusion=posted.get("conclusion", ""),
                report_number=posted.get("report_number", ""), report_date=parse_date(posted.get("report_date") or ""),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("检验结果已保存。"))
            disposal = Disposal.objects.filter(sample=sample).first()
            return redirect(reverse("sampling:disposal_detail", args=[disposal.pk]) if disposal else
                            reverse("sampling:sample_detail", args=[sample.pk]))  # fmt: skip
    rows = [
        {key: posted.get(f"{key}_{n}", "") for key in ("item", "value", "limit", "verdict")} | {"n": n}
        for n in range(1, ITEM_ROWS + 1)
    ]
    context = {"sample": sample, "rows": rows, "errors": errors, "posted": posted,
               "verdicts": SampleResult.Verdict.choices, "conclusions": Sample.Conclusion.choices,
               "today": timezone.localdate().isoformat()}  # fmt: skip
    return render(request, "sampling/sample_results.html", context, status=422 if errors else 200)


# -- disposal -----------------------------------------------------------------------------------------------------


@access(SIGNED_IN)
def disposal_list(request):
    """Disposal cases in reach (an enterprise account: its own), by deadline; open, near and overdue filters."""
    get = request.GET
    status = get.get("status", "") if get.get("status") in Disposal.Status.values else ""
    rows = selectors.disposal_list(user=request.user, region_code=current_region_code(request), status=status,
                                   overdue=get.get("overdue", "")[:1], near=get.get("near", "")[:1])  # fmt: skip
    page = Paginator(rows, PER_PAGE).get_page(get.get("page"))
    context = {"page": page, "status": status, "statuses": Disposal.Status.choices, "now": timezone.now(),
               "overdue": get.get("overdue", "")[:1], "near": get.get("near", "")[:1]}  # fmt: skip
    return render(request, "sampling/disposal_list.html", context)


ACTIONS = ("step", "retest_apply", "retest_result", "close")


def _act(request, disposal: Disposal) -> None:
    post, actor = request.POST, request.user
    action = post.get("action", "")
    if action == "step":
        ids = [disposal_services.store_file(actor=actor, upload=f).pk for f in request.FILES.getlist("files")]
        disposal_services.record_step(actor=actor, disposal=disposal, step=post.get("step", ""),
                                      note=post.get("note", ""), file_ids=ids)  # fmt: skip
        messages.success(request, _("已登记。"))
    elif action == "retest_apply":
        moment = parse_moment(post.get("applied_at"))
        disposal_services.apply_retest(actor=actor, disposal=disposal, applied_at=moment)
        messages.success(request, _("已登记复检申请。"))
    elif action == "retest_result":
        disposal_services.retest_result(actor=actor, disposal=disposal, passed=post.get("passed") == "1")
        messages.success(request, _("已登记复检结论。"))
    elif action == "close":
        closed = disposal_services.close(actor=actor, disposal=disposal)
        messages.success(request, _("核查处置已办结（按期）。") if closed.on_time else _("核查处置已办结（逾期）。"))
    else:
        raise ValidationError(_("未知的操作。"))


@access(SIGNED_IN, objects="disposal")
def disposal_detail(request, pk: int):
    """A disposal case: the sample and its failed items, the clocks, the 五到位 steps with their evidence, the
    re-test and closing (POST `action`: step, retest_apply, retest_result, close; station and administrators)."""
    disposal = selectors.disposal_get(user=request.user, pk=pk)
    if request.method == "POST":
        with service_errors_as_messages(request):
            _act(request, disposal)
        return redirect("sampling:disposal_detail", pk=disposal.pk)
    files = {}
    for f in selectors.disposal_files(disposal):
        files.setdefault(f.pk, f)
    steps = []
    for code, label in Disposal.STEPS:
        done = (disposal.steps or {}).get(code)
        steps.append({"code": code, "label": label, "done": done,
                      "files": [files[i] for i in (done or {}).get("files", []) if i in files]})  # fmt: skip
    sample = disposal.sample
    context = {
        "disposal": disposal, "sample": sample, "steps": steps, "now": timezone.now(),
        "failed_items": sample.results.filter(verdict=SampleResult.Verdict.FAIL).order_by("pk"),
        "notices": sample.notices.select_related("to_region").order_by("pk"),
        "can_act": _staff(request.user) and request.user.role != Role.ENTERPRISE
        and disposal.status != Disposal.Status.CLOSED,
        "missing": disposal_services.missing_steps(disposal),
        "now_input": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }  # fmt: skip
    return render(request, "sampling/disposal_detail.html", context)


@access(SIGNED_IN, objects="disposal_file")
def disposal_file(request, pk: int):
    """An evidence file of a disposal case the user may read."""
    from ..models import SamplePhoto

    photo = SamplePhoto.objects.filter(pk=pk, disposal__isnull=False).first()
    if photo is None:
        raise Http404
    selectors.disposal_get(user=request.user, pk=photo.disposal_id)
    return stored_file_response(photo.file, name=photo.name, content_type=photo.content_type,
                                inline=photo.content_type.startswith("image/"))  # fmt: skip


# -- cross-region notices -----------------------------------------------------------------------------------------


@access(REGULATORS)
def notice_list(request):
    """Notices sent from or to the user's jurisdiction; `?pending=1`: those to acknowledge."""
    pending = request.GET.get("pending", "")[:1]
    page = Paginator(selectors.notice_list(user=request.user, pending=pending), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "sampling/notice_list.html", {"page": page, "pending": pending})


@access(REGULATORS, objects="notice")
def notice_detail(request, pk: int):
    """A notice: the failed sample and its producer; the receiving region acknowledges (POST action=ack) and
    replies (action=reply)."""
    notice = selectors.notice_get(user=request.user, pk=pk)
    if request.method == "POST":
        with service_errors_as_messages(request):
            if request.POST.get("action") == "reply":
                disposal_services.reply(actor=request.user, notice=notice, text=request.POST.get("reply", ""))
                messages.success(request, _("已反馈核查处置情况。"))
            else:
                disposal_services.acknowledge(actor=request.user, notice=notice)
                messages.success(request, _("已签收。"))
        return redirect("sampling:notice_detail", pk=notice.pk)
    from shian.core.jurisdiction import in_scope

    receiving = _staff(request.user) and in_scope(request.user, notice.to_region_id)
    context = {"notice": notice, "sample": notice.sample, "receiving": receiving,
               "failed_items": notice.sample.results.filter(verdict=SampleResult.Verdict.FAIL).order_by("pk")}  # fmt: skip
    return render(request, "sampling/notice_detail.html", context)
