"""The enterprise's duties on a phone (a day's check in one tap), their documents, and the regulators' view."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ENTERPRISE, REGULATORS, SIGNED_IN
from shian.baobao.selectors import own_guarantor
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import apply_service_errors, error_messages
from shian.core.permissions import require_perm
from shian.entities.models import BusinessType, KeyPerson
from shian.regions import selectors as region_selectors
from shian.reports.documents import FORMATS, attachment

from . import documents, selectors, services
from .forms import DailyIssuesForm, MonthlyForm, RiskItemForm, TrainingForm, WeeklyForm
from .models import DailyCheck, MonthlyMeeting, TrainingRecord, WeeklyReport


def _own(request):
    entity = selectors.own_entity(user=request.user)
    if entity is None:
        raise Http404(_("只有企业账号可以填报主体责任记录。"))
    return entity


@access(SIGNED_IN)
def home(request):
    entity = selectors.own_entity(user=request.user)
    if entity is None:
        return redirect("duties:oversight")
    today = timezone.localdate()
    context = {
        "entity": entity,
        "status": selectors.entity_status(entity=entity, today=today),
        "daily": selectors.record_list(user=request.user, model=DailyCheck, entity_id=entity.pk)[:7],
        "weekly": selectors.record_list(user=request.user, model=WeeklyReport, entity_id=entity.pk)[:4],
        "monthly": selectors.record_list(user=request.user, model=MonthlyMeeting, entity_id=entity.pk)[:3],
        "guarantor": own_guarantor(user=request.user, entity=entity),
        "can": {
            k: request.user.has_perm(f"duties.{k}", entity) for k in ("daily_check", "weekly_report", "monthly_meeting")
        },
    }
    return render(request, "duties/home.html", context)


@access(ENTERPRISE)
@require_POST
def daily_all_clear(request):
    """The zero-risk report in one tap."""
    entity = _own(request)
    try:
        services.record_daily_check(actor=request.user, entity=entity)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("今日日管控已提交：未发现风险隐患。"))
    return redirect("duties:home")


@access(ENTERPRISE)
def daily_new(request):
    """A day with something found: each row names the risk point, what was wrong and how it was fixed."""
    entity = _own(request)
    items = selectors.risk_list(entity)
    form = DailyIssuesForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if form.is_bound and not form.is_valid():
        errors = [m for messages_ in form.errors.values() for m in messages_]
    elif form.is_bound:
        try:
            services.record_daily_findings(actor=request.user, entity=entity, issues=form.cleaned_data["issues"])
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("今日日管控已提交。"))
            return redirect("duties:home")
    slots = range(1, DailyIssuesForm.SLOTS + 1)
    context = {"entity": entity, "items": items, "slots": slots, "errors": errors, "posted": request.POST}
    return render(request, "duties/daily_form.html", context, status=422 if errors else 200)


def _record_form(request, form_class, initial, save, template, extra=None):
    entity = _own(request)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(entity, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已提交。"))
            return redirect("duties:home")
    context = {"entity": entity, "form": form, **(extra(entity) if extra else {})}
    return render(request, template, context, status=422 if form.errors else 200)


@access(ENTERPRISE)
def weekly_new(request):
    week = selectors.monday(timezone.localdate())
    return _record_form(
        request, WeeklyForm, {"week": week},
        lambda entity, data: services.submit_weekly_report(actor=request.user, entity=entity, **data),
        "duties/weekly_form.html", lambda entity: {"summary": selectors.week_summary(entity=entity, week=week)},
    )  # fmt: skip


@access(ENTERPRISE)
def monthly_new(request):
    initial = {"held_on": timezone.localdate(), "chair": request.user.name}
    return _record_form(
        request, MonthlyForm, initial,
        lambda entity, data: services.hold_monthly_meeting(actor=request.user, entity=entity, **data),
        "duties/monthly_form.html",
    )  # fmt: skip


@access(SIGNED_IN)
def risks(request):
    entity = _own(request)
    form = RiskItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_risk_item(actor=request.user, entity=entity, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已加入本单位风险管控清单。"))
            return redirect("duties:risks")
    return render(request, "duties/risks.html", {"entity": entity, "items": selectors.risk_list(entity), "form": form})


@access(SIGNED_IN)
def training(request):
    entity = _own(request)
    people = KeyPerson.objects.filter(entity=entity, role__in=selectors.MANAGERS)
    form = TrainingForm(request.POST or None)
    form.fields["person"].choices = [(p.pk, str(p)) for p in people]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_training(actor=request.user, person=people.get(pk=data.pop("person")), **data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("培训记录已保存。"))
            return redirect("duties:training")
    status = selectors.entity_status(entity=entity)
    records = selectors.record_list(user=request.user, model=TrainingRecord, entity_id=entity.pk)
    context = {"entity": entity, "form": form, "status": status, "records": records.select_related("person")[:50]}
    return render(request, "duties/training.html", context)


@access(SIGNED_IN, objects="duty_record")
def document(request, kind: str, pk: int, fmt: str):
    if kind not in documents.BUILDERS or fmt not in FORMATS:
        raise Http404
    record = selectors.record_get(user=request.user, model=documents.BUILDERS[kind][0], pk=pk)
    return attachment(*documents.build(kind, record, fmt))


def _month(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        return timezone.localdate().replace(day=1)


@access(REGULATORS)
def oversight(request):
    """Completion per area, grade and type for a month; entities behind; staffing and training gaps."""
    require_perm(request.user, "duties.view_oversight")
    code = current_region_code(request)
    month = _month(request)
    counted, counted_at, cached = selectors.oversight_figures(user=request.user, region_code=code, month=month)
    figures = counted["completion"]
    names = region_selectors.region_names(user=request.user, codes=[r["key"] for r in figures["area"]["rows"]])
    labels = {"area": names, "grade": {"": _("未分级")}, "type": dict(BusinessType.choices)}
    for by, table in figures.items():
        for row in table["rows"]:
            row["name"] = labels[by].get(row["key"], row["key"])
    behind = selectors.gaps_page(
        user=request.user, region_code=code, rows=counted["behind"], number=request.GET.get("page")
    )
    area = figures["area"]
    context = {
        "month": area["month"],
        "days": area["days"],
        "weeks": area["weeks"],
        "total": area["total"],
        "areas": area["rows"],
        "grades": figures["grade"]["rows"],
        "types": figures["type"]["rows"],
        "behind": behind,
        "counted_at": counted_at if cached else None,
        "no_director": selectors.missing_director(user=request.user, region_code=code)[:50],
        "no_director_count": counted["no_director"],
        "no_officer_count": counted["no_officer"],
        "undertrained_count": counted["undertrained"],
        "months": [
            (timezone.localdate().replace(day=1) - datetime.timedelta(days=31 * n)).replace(day=1) for n in range(6)
        ],
    }
    return render(request, "duties/oversight.html", context)
