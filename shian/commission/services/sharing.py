"""Half-yearly data sharing (docs/commission.md §3; docs/domain.md §14: departments share statistics every half
year): one Excel workbook per region and half-year, a sheet per member unit with its figures from the KPI registry
(year to date at the half-year's last day) and its commission tasks and key-work lines due in the half-year; stored
with its sha256 as a new version each time it is generated."""

import datetime
import hashlib
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Department
from shian.core import audit
from shian.core import kpis as registry
from shian.regions.models import Region
from shian.reports.xlsx import Column, write_workbook

from ..models import Decision, KeyWork, SharingPackage
from .common import require_admin

# Which department shares which apps' figures (the KPI providers' keys); departments not listed share their
# commission tasks and key work only.
PROVIDERS_OF = {
    "market_regulation": ["entities", "inspections", "sampling", "sampling_public", "complaints", "cases", "lists",
                          "credit", "markets", "trace"],
    "health": ["foodborne"],
    "food_safety_office": ["baobao", "duties", "visits", "problems", "notices", "emergency", "dinners"],
}  # fmt: skip
COLUMNS = [Column(_("类别"), 14), Column(_("指标"), 36), Column(_("数值"), 12), Column(_("单位"), 8),
           Column(_("说明"), 60)]  # fmt: skip


def period_of(year: int, half: int) -> tuple[datetime.date, datetime.date]:
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def department_rows(region_code: str, department: Department, start: datetime.date, end: datetime.date,
                    parts_by_provider: dict) -> list[list]:  # fmt: skip
    """The rows of one department's sheet: its KPI figures, then its commission tasks and key work."""
    rows = []
    for key in PROVIDERS_OF.get(department.code, []):
        provider = next((p for p in registry.providers() if p.key == key), None)
        if provider is None:
            continue
        parts = parts_by_provider[key]
        for kpi in provider.kpis:
            value = kpi.value(parts)
            rows.append([_("监测指标"), str(kpi.label), value, str(kpi.unit), str(kpi.doc)])
    decisions = Decision.objects.filter(region_id=region_code, lead_department=department,
                                        deadline__range=(start, end))  # fmt: skip
    due = list(decisions)
    rows.append([_("会议议定事项"), _("期内到期事项"), len(due), _("项"), ""])
    rows.append([_("会议议定事项"), _("按期完成"), sum(1 for d in due if d.on_time()), _("项"), ""])
    lines = list(KeyWork.objects.filter(region_id=region_code, lead_department=department,
                                        deadline__range=(start, end)))  # fmt: skip
    rows.append([_("重点工作"), _("期内到期重点工作"), len(lines), _("项"), ""])
    rows.append([_("重点工作"), _("已完成"), sum(1 for k in lines if k.status == KeyWork.Status.DONE), _("项"), ""])
    return rows


def build(*, actor, region_code: str, year: int, half: int, now: datetime.datetime | None = None) -> SharingPackage:
    """Generate, store and archive the package (a new version when one exists already)."""
    require_admin(actor, region_code)
    if half not in (1, 2):
        raise ValidationError({"half": [_("半年须为 1（上半年）或 2（下半年）。")]})
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError({"region": [_("区划不存在：%(c)s。") % {"c": region_code}]})
    start, end = period_of(year, half)
    now = now or timezone.now()
    if start > timezone.localdate(now):
        raise ValidationError({"half": [_("%(y)d年%(h)s尚未开始，不能生成共享包。") % {
            "y": year, "h": _("上半年") if half == 1 else _("下半年")}]})  # fmt: skip
    grouping = registry.Grouping(depth=len(region_code))
    parts_by_provider = {
        p.key: p.count(prefix=region_code, grouping=grouping, as_of=end, series=False).get(region_code, {})
        for p in registry.providers()
    }
    sheets, names = [], []
    for department in Department.objects.order_by("code"):
        sheets.append((department.name, COLUMNS, department_rows(region_code, department, start, end,
                                                                  parts_by_provider)))  # fmt: skip
        names.append(department.name)
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        version = (SharingPackage.objects.select_for_update().filter(region_id=region_code, year=year, half=half)
                   .aggregate(m=Max("version"))["m"] or 0) + 1  # fmt: skip
        package = SharingPackage(region=region, year=year, half=half, version=version, sha256=digest, size=len(data),
                                 sheets=names, generated_by=actor,
                                 generated_at=now)  # fmt: skip
        package.file.save(f"{region_code}-{year}H{half}-v{version}.xlsx", ContentFile(data), save=False)
        package.save()
        audit.record(actor=actor, action="commission.sharing", obj=package, region_code=region_code,
                     after={"year": year, "half": half, "version": version, "sha256": digest})  # fmt: skip
    return package
