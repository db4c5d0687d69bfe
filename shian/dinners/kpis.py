"""Figures of rural collective dinners for the dashboard (docs/dinners.md §5, docs/kpis.md), built from additive
parts (shian/core/kpis.py): dinners held this year, the share insured (target: rule dinners.insured_target_pct),
the share of guidance due that was done, and chefs whose health certificate expires soon. Dinners and chefs belong
to villages, not entities: none on an entity grouping."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core import rules
from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, absorb, count_of, ratio, records_url, register
from shian.core.periods import day_end

from .models import Chef, Dinner, GuidanceTask
from .ruledefs import CERT_EXPIRY_DAYS, INSURED_TARGET

TARGETS = {"dinners.insured_rate": INSURED_TARGET.code}


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    out: dict = {}
    if grouping.depth is None:
        return out
    instant = min(timezone.now(), day_end(as_of))
    year = as_of.replace(month=1, day=1)
    dinners = narrow_to(Dinner.objects.filter(held_on__gte=year, held_on__lte=as_of), prefix)
    absorb(out, grouping.sums(dinners, "region_id", "region_id", dinners_year=Count("pk"),
                              dinners_insured=Count("pk", filter=Q(insured=True))))  # fmt: skip
    tasks = narrow_to(GuidanceTask.objects.filter(dinner__held_on__gte=year, dinner__held_on__lte=as_of), prefix)
    absorb(out, grouping.sums(tasks, "region_id", "region_id", dinners_guidance_due=Count("pk"),
                              dinners_guided=Count("pk", filter=Q(done_at__lt=instant))))  # fmt: skip
    horizon = as_of + datetime.timedelta(days=rules.value(CERT_EXPIRY_DAYS.code, prefix, as_of))
    chefs = narrow_to(Chef.objects.filter(active=True, cert_expires_on__lte=horizon), prefix)
    absorb(out, grouping.sums(chefs, "region_id", "region_id", chefs_expiring=Count("pk")))
    return out


def _dinners(code: str) -> str:
    return records_url("dinners:dinner_list", code)


register(
    Provider(
        key="dinners",
        count=count,
        kpis=[
            Kpi("dinners.reported", _("本年度农村集体聚餐"), _("场"), count_of("dinners_year"), link=_dinners,
                doc=_("本年度 1 月 1 日至统计日举办的已报告农村集体聚餐场数。")),
            Kpi("dinners.insured_rate", _("农村集体聚餐投保率"), "%", ratio("dinners_insured", "dinners_year"),
                link=_dinners, better="high",
                doc=_("本年度已报告聚餐中已投保的比例；目标为规则 dinners.insured_target_pct（默认 80%）。")),
            Kpi("dinners.guidance_rate", _("聚餐现场指导完成率"), "%", ratio("dinners_guided", "dinners_guidance_due"),
                link=lambda code: records_url("dinners:task_list", code, status="all"), better="high",
                doc=_("本年度至统计日已举办、需现场指导的聚餐中，统计时刻已签字完成指导的比例。")),
            Kpi("dinners.chef_cert_expiring", _("健康证明将到期的流动厨师"), _("人"), count_of("chefs_expiring"),
                link=lambda code: records_url("dinners:chef_list", code, expiring="1"), better="low",
                doc=_("在册流动厨师中健康证明有效期至不晚于统计日后 dinners.cert_expiry_days 天（含已过期）的人数。")),
        ],
    )
)  # fmt: skip
