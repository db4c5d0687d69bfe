"""Pages of the commission's coordination (docs/commission.md §5): meetings and decision tasks (the lead updates its
own), the key-work ledger with its Excel export, the half-yearly sharing packages, assessment results with every
point's source, and volunteers per township."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import error_messages
from shian.core.masking import mask_phone
from shian.reports.xlsx import xlsx_response

from . import selectors
from .models import Decision, KeyWork
from .services import ledger, meetings, sharing, volunteers

PER_PAGE = 30
READERS = ADMIN_ROLES | {Role.DEPARTMENT_STAFF, Role.AUDITOR}
OFFICE = ADMIN_ROLES | {Role.AUDITOR}


def _get(qs, pk):
    row = qs.filter(pk=pk).first()
    if row is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return row


@access(READERS)
def index(request):
    status = request.GET.get("status", "")
    tasks = selectors.decisions_for(request.user)
    if status in Decision.Status.values:
        tasks = tasks.filter(status=status)
    page = Paginator(tasks.order_by("deadline", "id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "commission/index.html", {
        "page": page, "status": status, "statuses": Decision.Status.choices, "today": timezone.localdate(),
        "meetings": selectors.meetings_for(request.user).prefetch_related("attendees")[:20],
    })  # fmt: skip


@access(READERS, objects="commission_decision")
def decision_detail(request, pk):
    decision = _get(selectors.decisions_for(request.user), pk)
    if request.method == "POST":
        try:
            meetings.update_decision(actor=request.user, decision=decision, status=request.POST.get("status", ""),
                                     note=request.POST.get("note", ""),
                                     evidence=request.FILES.get("evidence"))  # fmt: skip
        except ValidationError as exc:
            for text in error_messages(exc):
                messages.error(request, text)
            return render(request, "commission/decision.html", {"d": decision, "statuses": Decision.Status.choices},
                          status=422)  # fmt: skip
        messages.success(request, _("办理情况已更新。"))
        return redirect("commission:decision", pk=decision.pk)
    return render(request, "commission/decision.html", {"d": decision, "statuses": Decision.Status.choices})


@access(READERS)
def ledger_list(request):
    lines = selectors.keywork_for(request.user)
    return render(request, "commission/ledger.html", {"lines": lines[:500], "statuses": KeyWork.Status.choices})


@access(READERS)
def ledger_export(request):
    lines = list(selectors.keywork_for(request.user)[:20000])
    return xlsx_response("重点工作台账.xlsx", lambda out: ledger.export(lines, out))


@access(READERS, objects="commission_keywork")
@require_POST
def ledger_update(request, pk):
    line = _get(selectors.keywork_for(request.user), pk)
    try:
        ledger.update_line(actor=request.user, line=line, status=request.POST.get("status", ""),
                           progress=request.POST.get("progress", ""), evidence=request.FILES.get("evidence"))  # fmt: skip
    except ValidationError as exc:
        for text in error_messages(exc):
            messages.error(request, text)
        return redirect("commission:ledger")
    messages.success(request, _("台账已更新。"))
    return redirect("commission:ledger")


@access(READERS)
def sharing_list(request):
    return render(request, "commission/sharing.html", {
        "packages": selectors.packages_for(request.user)[:100], "year": timezone.localdate().year,
        "can_build": request.user.is_superuser or request.user.role in ADMIN_ROLES,
    })  # fmt: skip


@access(OFFICE)
@require_POST
def sharing_build(request):
    region = current_region_code(request) or request.user.region_id or ""
    try:
        package = sharing.build(actor=request.user, region_code=region, year=int(request.POST.get("year") or 0),
                                half=int(request.POST.get("half") or 0))  # fmt: skip
    except (ValueError, ValidationError) as exc:
        texts = error_messages(exc) if isinstance(exc, ValidationError) else [_("年度和半年须为数字。")]
        for text in texts:
            messages.error(request, text)
        return redirect("commission:sharing")
    messages.success(request, _("已生成数据共享包（第 %(v)d 版）。") % {"v": package.version})
    return redirect("commission:sharing")


@access(READERS, objects="commission_package")
def sharing_download(request, pk):
    package = _get(selectors.packages_for(request.user), pk)
    name = f"数据共享包-{package.region_id}-{package.year}-{package.half}-v{package.version}.xlsx"
    return FileResponse(package.file.open("rb"), as_attachment=True, filename=name)


@access(OFFICE)
def assessment_list(request):
    return render(request, "commission/assessments.html", {"rounds": selectors.rounds_for(request.user)[:100]})


@access(OFFICE, objects="commission_round")
def assessment_detail(request, pk):
    round_ = _get(selectors.rounds_for(request.user), pk)
    scores = list(round_.scores.prefetch_related("notices__notice"))
    return render(request, "commission/assessment.html", {"round": round_, "scores": scores})


@access(OFFICE)
def volunteer_list(request):
    rows = selectors.volunteers_for(request.user)
    shown = [{"township": v.township.name, "name": volunteers.mask_name(v.name), "phone": mask_phone(v.phone),
              "joined_on": v.joined_on} for v in rows.select_related("township")[:300]]  # fmt: skip
    return render(request, "commission/volunteers.html", {"counts": volunteers.counts_by_township(rows),
                                                          "volunteers": shown})  # fmt: skip
