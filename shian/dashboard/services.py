"""Dashboard writes: refreshing the snapshots of regions above county level, and the weekly dispatch report."""

import datetime
import time

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.core.permissions import require_perm
from shian.core.regioncodes import COUNTY, level_of, prefixes
from shian.entities.models import Entity
from shian.regions.models import Region
from shian.reports.documents import file_name

from . import documents
from .models import DispatchReport
from .snapshots import refresh_region, refresh_snapshots  # noqa: F401 (the writes' front door)

# -- weekly dispatch report -----------------------------------------------------------------------------------


def report_week(today: datetime.date | None = None) -> datetime.date:
    """The Monday of the week a report made today covers: the week that ended last Sunday."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=today.weekday() + 7)


def generate_dispatch(*, region: Region, week: datetime.date, actor=None) -> DispatchReport:
    """Build, render (Word and PDF) and archive the region's dispatch report for the week starting `week`; a
    second run for the same week replaces the archived one. `actor` None is the scheduler."""
    if actor is not None:
        require_perm(actor, "dashboard.generate_report")
        require_in_scope(actor, region.code)
    if week.weekday() != 0:
        raise ValidationError(_("调度周报的周应从周一开始：%(d)s") % {"d": week.isoformat()})
    started = time.perf_counter()
    data = documents.dispatch_data(region=region, week=week)
    stem = _("%(region)s食品安全工作调度周报（%(week)s）") % {"region": region.name, "week": week.isoformat()}
    files = {fmt: documents.render_dispatch(data, fmt=fmt) for fmt in ("docx", "pdf")}
    with transaction.atomic():
        old = DispatchReport.objects.select_for_update().filter(region=region, week=week).first()
        report = old or DispatchReport(region=region, week=week)
        before = audit.snapshot(old, ["generated_at", "seconds"]) if old else None
        for stale in (old.docx, old.pdf) if old else ():
            stale.delete(save=False)
        report.data = data
        report.generated_at = timezone.now()
        report.generated_by = actor
        for fmt, content in files.items():
            getattr(report, fmt).save(file_name(stem, fmt), ContentFile(content), save=False)
        report.seconds = round(time.perf_counter() - started, 3)
        report.save()
        audit.record(
            actor=actor, action="dispatch.generate", obj=report, object_repr=stem, region_code=region.code,
            before=before,
            after=audit.snapshot(report, ["week", "generated_at", "seconds"]),
        )  # fmt: skip
    return report


def dispatch_regions() -> list[Region]:
    """Regions that get a report every Monday: each county, city and province with entities on the register."""
    codes = set()
    for code in (
        Entity.objects.exclude(status=Entity.Status.DEREGISTERED).values_list("region_id", flat=True).distinct()
    ):
        codes.update(p for p in prefixes(code) if level_of(p) <= COUNTY)
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def generate_weekly(*, today: datetime.date | None = None) -> int:
    """The Monday run: last week's report for every region that has none yet. Returns the reports made."""
    week = report_week(today)
    done = set(DispatchReport.objects.filter(week=week).values_list("region_id", flat=True))
    made = 0
    for region in dispatch_regions():
        if region.code not in done:
            generate_dispatch(region=region, week=week)
            made += 1
    return made
