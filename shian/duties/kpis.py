"""Enterprise self-management figures for the dashboard: this week's daily checks (日管控) against the days due,
and weekly reports (周排查) per week and month."""

import datetime

from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, Series, absorb, merge, periodic, ratio, records_url, register
from shian.core.periods import day_end
from shian.entities.models import Entity

from .models import DailyCheck, WeeklyReport


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Daily checks recorded from Monday to `as_of` by entities operating and registered by then, against
    those entities × days counted."""
    monday = as_of - datetime.timedelta(days=as_of.weekday())
    days = (as_of - monday).days + 1
    entities = narrow_to(Entity.objects.filter(status=Entity.Status.OPERATING, created_at__lt=day_end(as_of)), prefix)
    # through the entities, not the (day, region) index: a week of a province is millions of index entries, the
    # region's entities a few thousand lookups on (entity, day)
    checks = DailyCheck.objects.filter(entity__in=entities.values("pk"), day__gte=monday, day__lte=as_of)
    out: dict = {}
    merge(out, {k: n * days for k, n in grouping.count(entities, "region_id", "pk").items()}, "dc_due")
    merge(out, grouping.count(checks, "region_id", "entity_id"), "dc_done")
    if series:
        reports = narrow_to(WeeklyReport.objects.all(), prefix)
        absorb(out, periodic(grouping, reports, "region_id", "entity_id", "week", as_of=as_of,
                                     name="reports"))  # fmt: skip
    return out


register(
    Provider(
        key="duties",
        count=count,
        kpis=[
            Kpi(
                "duties.daily_rate", _("本周日管控完成率"), "%", ratio("dc_done", "dc_due"),
                link=lambda code: records_url("duties:oversight", code), better="high",
                doc=_("本周一至统计日，在营主体的日管控记录数 ÷（在营主体数 × 天数）。"),
            ),
        ],
        series=[Series("reports_w", _("每周周排查报告"), "reports_w", "week"),
                Series("reports_m", _("每月周排查报告"), "reports_m", "month")],
    )
)  # fmt: skip
