"""一张图: the dashboard page, its tables as xlsx, its series as JSON, and the archive of dispatch reports."""

import datetime

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ADMINS, REGULATORS
from shian.core import kpis as registry
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.permissions import require_perm
from shian.core.regioncodes import PROVINCE, TOWNSHIP, level_of
from shian.regions.selectors import has_child_boundaries, region_find
from shian.reports.xlsx import Column, write_xlsx, xlsx_response

from . import selectors, services
from .documents import fmt_value

DEFAULT_KPI = "baobao.assigned_rate"


def _kpi_key(request) -> str:
    key = request.GET.get("kpi", DEFAULT_KPI)
    return key if registry.kpi(key) else DEFAULT_KPI


def _cells(row: dict, entity_level: bool) -> list[dict]:
    """Each KPI of one row as a cell: its shown value (already computed by selectors.rows) and the link to the
    records behind it (at a village, the entity's own page)."""
    cells = []
    for k in registry.kpis():
        value = row["values"][k.key]
        url = row["drill"] if entity_level else (k.link(row["code"]) if k.link else "")
        cells.append({"key": k.key, "value": value, "text": fmt_value(value, str(k.unit)), "url": url})
    return cells


def _drill(row: dict, entity_level: bool, kpi_key: str) -> str:
    """Where a row's name leads: the entity's page at a village, else the dashboard one level down."""
    if entity_level:
        return reverse("entities:detail", args=[int(row["code"])])
    return "" if row["direct"] else f"{reverse('dashboard:index')}?region={row['code']}&kpi={kpi_key}"


@access(REGULATORS)
def index(request):
    """The whole picture of the current region on one screen; every figure links to its records."""
    require_perm(request.user, "dashboard.view")
    code = current_region_code(request) or ""
    fig = selectors.figures(user=request.user, region_code=code)
    kpi_key = _kpi_key(request)
    entity_level = selectors.child_depth(code) is None
    table = selectors.rows(fig)
    for row in table:
        row["drill"] = _drill(row, entity_level, kpi_key)
        row["cells"] = _cells(row, entity_level)
    total_values = selectors.values(fig.total)
    cards = [
        {"key": k.key, "label": k.label, "unit": k.unit, "doc": k.doc, "better": k.better,
         "text": fmt_value(total_values[k.key], str(k.unit)), "url": k.link(code) if k.link else ""}
        for k in registry.kpis()
    ]  # fmt: skip
    kpi = registry.kpi(kpi_key)
    shading = [
        {"code": r["code"], "name": str(r["name"]), "value": r["values"][kpi_key],
         "text": fmt_value(r["values"][kpi_key], str(kpi.unit)), "url": r["drill"]}
        for r in table if not r["direct"]
    ]  # fmt: skip
    context = {
        "fig": fig,
        "crumbs": selectors.ancestors(fig, request.user),
        "cards": cards,
        "kpis": registry.kpis(),
        "kpi": kpi,
        "table": table,
        "ranking": selectors.ranking(table, kpi_key),
        "lagging": selectors.lagging(table),
        "breakdowns": selectors.breakdowns(fig),
        "entity_level": entity_level,
        "map": {
            "code": code,
            "kpi": str(kpi.label),
            "unit": str(kpi.unit),
            "better": kpi.better,
            "areas": shading,
            "boundaries": reverse("api:region_boundaries", args=[code]) if code and has_child_boundaries(code) else "",
            "points": f"{reverse('api:map_points')}?region={code}" if len(code) >= selectors.LIVE_FROM else "",
            "series": f"{reverse('dashboard:series')}?region={code}",
        },
        "map_labels": {
            "no_boundaries": _("本区划尚未载入下级边界，以色块显示各下级单位（管理员可用 load_boundaries 命令载入）。"),
            "source": _("边界来源："),
            "grade": _("%(grade)s 级"),
            "ungraded": _("未分级"),
        },
    }
    return render(request, "dashboard/index.html", context)


@access(REGULATORS)
def series(request):
    """Weekly and monthly series of the current region as JSON, for the trend charts."""
    require_perm(request.user, "dashboard.view")
    fig = selectors.figures(user=request.user, region_code=current_region_code(request) or "", series=True)
    return JsonResponse({"as_of": fig.as_of.isoformat(), "series": selectors.series(fig)})


TABLES = ("kpis", "units", "ranking", "breakdowns", "series")


@access(REGULATORS)
def export(request):
    """Any table of the dashboard as xlsx: ?table=kpis|units|ranking|breakdowns|series."""
    require_perm(request.user, "dashboard.view")
    which = request.GET.get("table", "units")
    if which not in TABLES:
        raise Http404(_("没有这个表格：%(t)s") % {"t": which})
    code = current_region_code(request) or ""
    fig = selectors.figures(user=request.user, region_code=code, series=which == "series")
    kpis = registry.kpis()
    name_col = Column(_("主体") if selectors.child_depth(code) is None else _("单位"), 24)
    if which == "kpis":
        vals = selectors.values(fig.total)
        columns = [Column(_("指标"), 24), Column(_("数值"), 12), Column(_("单位"), 8), Column(_("口径"), 60)]
        rows = [(str(k.label), vals[k.key], str(k.unit), str(k.doc)) for k in kpis]
    elif which in ("units", "ranking"):
        table = selectors.rows(fig)
        if which == "ranking":
            table = selectors.ranking(table, _kpi_key(request))
        columns = [Column(_("区划代码"), 14), name_col] + [Column(f"{k.label}（{k.unit}）", 14) for k in kpis]
        rows = [(r["code"], str(r["name"]), *(r["values"][k.key] for k in kpis)) for r in table]
    elif which == "breakdowns":
        columns = [Column(_("分类"), 14), Column(_("项目"), 30), Column(_("户数"), 10)]
        rows = [(b["label"], i["label"], i["n"]) for b in selectors.breakdowns(fig) for i in b["items"]]
    else:
        columns = [Column(_("序列"), 20), Column(_("日期"), 12), Column(_("数值"), 10)]
        rows = [
            (s["label"], p, v) for s in selectors.series(fig) for p, v in zip(s["periods"], s["values"], strict=True)
        ]
    region = fig.region.name if fig.region else _("全国")
    filename = f"{region}-{which}-{fig.as_of:%Y%m%d}.xlsx"
    return xlsx_response(filename, lambda out: write_xlsx(out, columns, rows, sheet_name=which))


# -- dispatch reports ---------------------------------------------------------------------------------------------


def _weeks(n: int = 8) -> list[datetime.date]:
    last = services.report_week()
    return [last - datetime.timedelta(weeks=i) for i in range(n)]


@access(REGULATORS)
def reports(request):
    require_perm(request.user, "dashboard.view")
    code = current_region_code(request) or ""
    context = {
        "reports": selectors.report_list(user=request.user)[:100],
        "weeks": _weeks(),
        "region": region_find(user=request.user, code=code),
        # a report is for a township or wider: a village's figures are its few entities
        "can_generate": request.user.has_perm("dashboard.generate_report")
        and PROVINCE <= (level_of(code) or 0) <= TOWNSHIP,
    }
    return render(request, "dashboard/reports.html", context)


@access(ADMINS)
@require_POST
def report_generate(request):
    code = current_region_code(request) or ""
    region = region_find(user=request.user, code=code)
    week = _parse_week(request.POST.get("week", ""))
    if region is None or week is None:
        messages.error(request, _("请选择区划和周次（周一日期）。"))
        return redirect("dashboard:reports")
    with service_errors_as_messages(request):
        report = services.generate_dispatch(region=region, week=week, actor=request.user)
        messages.success(request, _("已生成 %(region)s %(week)s 调度周报。") % {"region": region.name, "week": week})
        return redirect(f"{reverse('dashboard:reports')}#report-{report.pk}")
    return redirect("dashboard:reports")


def _parse_week(text: str) -> datetime.date | None:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.weekday() == 0 and day <= timezone.localdate() else None


@access(REGULATORS, objects="dispatch_report")
def report_file(request, pk: int, fmt: str):
    require_perm(request.user, "dashboard.view")
    report = selectors.report_get(user=request.user, pk=pk)
    if fmt not in ("docx", "pdf"):
        raise Http404
    field = getattr(report, fmt)
    return FileResponse(field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1])
