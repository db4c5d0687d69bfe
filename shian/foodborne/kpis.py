"""Figures of foodborne-disease reports for the dashboard (docs/foodborne.md §4, docs/kpis.md), built from additive
parts (shian/core/kpis.py): cases reported with onset this year, and clusters warned this year. Reports belong to
the region of the suspected place: none on an entity grouping."""

import datetime

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, absorb, count_of, records_url, register
from shian.core.periods import day_end

from .models import CaseReport, Cluster


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    out: dict = {}
    if grouping.depth is None:
        return out
    instant = min(timezone.now(), day_end(as_of))
    start = timezone.make_aware(datetime.datetime.combine(as_of.replace(month=1, day=1), datetime.time.min))
    reports = narrow_to(CaseReport.objects.filter(onset_at__gte=start, onset_at__lt=instant), prefix)
    absorb(out, grouping.sums(reports, "region_id", "region_id", fb_cases=Sum("patient_count")))
    clusters = narrow_to(Cluster.objects.filter(warned_at__gte=start, warned_at__lt=instant), prefix)
    absorb(out, grouping.sums(clusters, "region_id", "region_id", fb_clusters=Count("pk")))
    return out


register(
    Provider(
        key="foodborne",
        count=count,
        kpis=[
            Kpi("foodborne.cases", _("本年度食源性疾病报告病例"), _("例"), count_of("fb_cases"),
                link=lambda code: records_url("foodborne:report_list", code),
                doc=_("本年度 1 月 1 日至统计时刻发病、由医疗机构报告的食源性疾病病例数（按可疑场所所在区划）。")),
            Kpi("foodborne.clusters", _("本年度聚集性病例预警"), _("起"), count_of("fb_clusters"),
                link=lambda code: records_url("foodborne:cluster_list", code), better="low",
                doc=_("本年度预警的聚集性病例起数：同一县内同一场所或同一食品在 foodborne.cluster_window_hours 小时内"
                      "达到 foodborne.cluster_cases 例。")),
        ],
    )
)  # fmt: skip
