"""Pages of the commission's coordination (docs/commission.md §5): meetings and decision tasks (the lead updates its
own), the key-work ledger with its Excel export, the half-yearly sharing packages, assessment results with every
point's source, and volunteers per township."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import date_or_none, error_messages, int_or_none
from shian.core.masking import mask_phone
from shian.core.regioncodes import TOWNSHIP
from shian.regions.selectors import region_list
from shian.reports.xlsx import xlsx_response

from . import selectors, sources
from .models import Decision, KeyWork, Meeting, ScoringSheet, VolunteerTask
from .services import assessment, ledger, meetings, sharing, volunteers

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
        "can_record": request.user.is_superuser or request.user.role in ADMIN_ROLES,
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
    return render(request, "commission/ledger.html", {
        "lines": lines[:500], "statuses": KeyWork.Status.choices, "year": timezone.localdate().year,
        "can_add": request.user.is_superuser or request.user.role in ADMIN_ROLES,
        "departments": selectors.departments(),
    })  # fmt: skip


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
    shown = [{"pk": v.pk, "township": v.township.name, "name": volunteers.mask_name(v.name),
              "phone": mask_phone(v.phone), "joined_on": v.joined_on}
             for v in rows.select_related("township")[:300]]  # fmt: skip
    return render(request, "commission/volunteers.html", {
        "counts": volunteers.counts_by_township(rows), "volunteers": shown, "townships": _townships(request),
        "task_kinds": VolunteerTask.Kind.choices, "today": timezone.localdate(),
    })  # fmt: skip


# Entry pages (docs/commission.md §5): the 食安办 records meetings and their decisions, ledger lines, volunteers and
# their tasks, scoring sheets and assessment rounds; each form posts to the service that checks and audits it.


def _date(text, field: str, label: str) -> datetime.date | None:
    """A form's date, None when blank, or a ValidationError naming the field (the services expect dates, not text)."""
    day = date_or_none(text)
    if day is None and (text or "").strip():
        raise ValidationError(
            {field: [_("%(l)s不是有效日期（如 2026-03-05）：%(v)s") % {"l": label, "v": text.strip()}]}
        )
    return day


def _office_region(request) -> str:
    return current_region_code(request) or request.user.region_id or ""


def _refused(request, exc: ValidationError | PermissionDenied) -> None:
    texts = error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]
    for text in texts:
        messages.error(request, text)


def _townships(request):
    """The townships of the office's region, within the user's jurisdiction (a decision's lead, a volunteer)."""
    region = _office_region(request)
    townships = region_list(user=request.user, level=TOWNSHIP)
    return townships.filter(code__startswith=region) if region else townships.none()


@access(OFFICE)
def meeting_new(request):
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            meeting = meetings.create_meeting(
                actor=request.user, region_code=_office_region(request), kind=form.get("kind", ""),
                title=form.get("title", ""), held_on=_date(form.get("held_on"), "held_on", _("会议日期")),
                agenda=form.get("agenda", ""), attendees=request.POST.getlist("attendees"),
                minutes=form.get("minutes", ""), minutes_file=request.FILES.get("minutes_file"),
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("会议已登记，请录入议定事项。"))
            return redirect("commission:meeting", pk=meeting.pk)
    return render(request, "commission/meeting_new.html", {
        "form": form, "kinds": Meeting.Kind.choices, "departments": selectors.departments(),
        "chosen": request.POST.getlist("attendees"),
    }, status=422 if request.method == "POST" else 200)  # fmt: skip


@access(READERS, objects="commission_meeting")
def meeting_detail(request, pk):
    meeting = _get(selectors.meetings_for(request.user), pk)
    if request.method == "POST":
        lead = request.POST.get("lead", "")
        kind, _sep, code = lead.partition(":")
        try:
            meetings.add_decision(
                actor=request.user, meeting=meeting, text=request.POST.get("text", ""),
                department_code=code if kind == "d" else "", township_code=code if kind == "t" else "",
                deadline=_date(request.POST.get("deadline"), "deadline", _("办理期限")),
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("议定事项已交办。"))
        return redirect("commission:meeting", pk=meeting.pk)
    return render(request, "commission/meeting.html", {
        "m": meeting, "decisions": meeting.decisions.select_related("lead_department", "lead_township").order_by("seq"),
        "departments": selectors.departments(), "townships": _townships(request),
        "can_add": request.user.is_superuser or request.user.role in ADMIN_ROLES,
    })  # fmt: skip


@access(OFFICE)
@require_POST
def ledger_new(request):
    try:
        ledger.add_line(actor=request.user, region_code=_office_region(request),
                        year=int_or_none(request.POST.get("year")) or timezone.localdate().year,
                        project=request.POST.get("project", ""), lead=request.POST.get("lead", ""),
                        deadline=_date(request.POST.get("deadline"), "deadline", _("完成时限")),
                        supporting=request.POST.getlist("supporting"))  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已加入重点工作台账。"))
    return redirect("commission:ledger")


@access(OFFICE)
@require_POST
def volunteer_new(request):
    try:
        volunteers.register(actor=request.user, township_code=request.POST.get("township", ""),
                            name=request.POST.get("name", ""), phone=request.POST.get("phone", ""),
                            joined_on=_date(request.POST.get("joined_on"), "joined_on", _("加入日期"))
                            or timezone.localdate())  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("志愿者已登记。"))
    return redirect("commission:volunteers")


@access(OFFICE)
@require_POST
def volunteer_task_new(request):
    volunteer = selectors.volunteers_for(request.user).filter(pk=int_or_none(request.POST.get("volunteer"))).first()
    try:
        if volunteer is None:
            raise ValidationError({"volunteer": [_("请选择本辖区的志愿者。")]})
        volunteers.add_task(actor=request.user, volunteer=volunteer, kind=request.POST.get("kind", ""),
                            title=request.POST.get("title", ""),
                            on=_date(request.POST.get("on"), "on", _("日期")) or timezone.localdate(),
                            completed=request.POST.get("completed") == "1",
                            reference=request.POST.get("reference", ""))  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("志愿者任务已记录。"))
    return redirect("commission:volunteers")


SHEET_ROWS = 8  # blank criterion rows offered by the sheet form


@access(OFFICE)
def sheet_new(request):
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        criteria = [{"name": form.get(f"name_{i}", ""), "weight": form.get(f"weight_{i}", ""),
                     "source": form.get(f"source_{i}", ""), "param": form.get(f"param_{i}", "")}
                    for i in range(1, SHEET_ROWS + 1) if form.get(f"name_{i}", "").strip()]  # fmt: skip
        try:
            start = _date(form.get("start"), "start", _("考核期起")) or timezone.localdate()
            end = _date(form.get("end"), "end", _("考核期止")) or timezone.localdate()
            with transaction.atomic():  # a sheet without its round would be half of what the form asked for
                sheet = assessment.create_sheet(actor=request.user, region_code=_office_region(request),
                                                name=form.get("name", ""), target=form.get("target", ""),
                                                criteria=criteria)  # fmt: skip
                assessment.create_round(actor=request.user, sheet=sheet, start=start, end=end)
        except (ValidationError, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("评分表和考核轮次已建立。"))
            return redirect("commission:assessments")
    rows = [{"i": i, "name": form.get(f"name_{i}", ""), "weight": form.get(f"weight_{i}", ""),
             "source": form.get(f"source_{i}", ""), "param": form.get(f"param_{i}", "")}
            for i in range(1, SHEET_ROWS + 1)]  # fmt: skip
    return render(request, "commission/sheet_new.html", {
        "form": form, "rows": rows, "targets": ScoringSheet.Target.choices, "sources": sources.sources(),
        "kpis": sources.scorable_kpis(),
    }, status=422 if request.method == "POST" else 200)  # fmt: skip
