"""Figures of cases for the dashboard (docs/cases.md §5, docs/kpis.md), built from additive parts (shian/core/kpis.py):
cases filed, decided and closed this year, decided on time (target: rule cases.closed_on_time_target_pct, 100 %),
referrals filed (target: cases.filed_target_pct, 100 %), overdue and supervised cases open."""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, absorb, count_of, ratio, records_url, register
from shian.core.periods import day_end
from shian.inspections.models import CaseReferral

from .models import Case
from .ruledefs import CLOSED_TARGET, FILED_TARGET

TARGETS = {"cases.on_time": CLOSED_TARGET.code, "cases.filed_rate": FILED_TARGET.code}


def _year_window(as_of: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(as_of.replace(month=1, day=1), datetime.time.min))
    return start, min(timezone.now(), day_end(as_of))


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Every case part under `prefix` (the provider's `count`), at the end of `as_of` (or now, if earlier)."""
    start, instant = _year_window(as_of)
    cases = narrow_to(Case.objects.all(), prefix)
    this_year = Q(opened_at__gte=start, opened_at__lt=instant)
    decided = Q(decided_at__gte=start, decided_at__lt=instant)
    still_open = Q(opened_at__lt=instant) & (Q(decided_at__isnull=True) | Q(decided_at__gte=instant))
    out: dict = {}
    absorb(out, grouping.sums(cases, "region_id", "entity_id",
                              cases_filed=Count("pk", filter=this_year),
                              cases_decided=Count("pk", filter=decided),
                              cases_decided_on_time=Count("pk", filter=decided & Q(decided_at__lte=F("decision_due"))),
                              cases_closed=Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=instant)),
                              cases_open_overdue=Count("pk", filter=still_open & Q(decision_due__lt=instant)),
                              cases_supervised=Count("pk", filter=still_open & Q(supervision__isnull=False))))  # fmt: skip
    referrals = narrow_to(CaseReferral.objects.filter(created_at__gte=start, created_at__lt=instant), prefix)
    absorb(out, grouping.sums(referrals.exclude(status=CaseReferral.Status.DECLINED), "region_id", "entity_id",
                              referrals_due=Count("pk"),
                              referrals_filed=Count("pk", filter=Q(status=CaseReferral.Status.TAKEN))))  # fmt: skip
    for parts in out.values():
        parts["cases_due"] = parts.get("cases_decided", 0) + parts.get("cases_open_overdue", 0)
    return out


def overdue_cases(*, prefix: str, as_of: datetime.date, limit: int) -> tuple:
    """Open cases past their decision deadline at the end of `as_of`, longest overdue first."""
    _start, instant = _year_window(as_of)
    qs = narrow_to(Case.objects.filter(status=Case.Status.OPEN, decision_due__lt=instant), prefix)
    today = timezone.localdate(instant)
    rows = [
        (c.entity.name if c.entity else "—", c.region.name, c.number, timezone.localtime(c.decision_due).date().isoformat(),
         (today - timezone.localtime(c.decision_due).date()).days, c.get_source_display())
        for c in qs.select_related("entity", "region").order_by("decision_due", "pk")[:limit]
    ]  # fmt: skip
    headers = (_("当事人"), _("区划"), _("案件编号"), _("决定期限"), _("逾期天数"), _("来源"))
    return _("案件逾期未作出决定"), [str(h) for h in headers], rows, qs.count()


def _cases(code: str) -> str:
    return records_url("cases:case_list", code)


def _overdue(code: str) -> str:
    return records_url("cases:case_list", code, overdue="1")


register(
    Provider(
        key="cases",
        count=count,
        kpis=[
            Kpi("cases.filed", _("本年度立案数"), _("件"), count_of("cases_filed"), link=_cases,
                doc=_("本年度（截至统计时刻）立案的案件数，含举报、监督检查移送、抽检不合格、包保问题逾期等全部来源。")),
            Kpi("cases.decided", _("本年度作出处理决定数"), _("件"), count_of("cases_decided"), link=_cases,
                doc=_("本年度作出处理决定（含不予行政处罚）的案件数。")),
            Kpi("cases.closed", _("本年度结案数"), _("件"), count_of("cases_closed"), link=_cases,
                doc=_("本年度结案的案件数。")),
            Kpi("cases.on_time", _("案件按期办结率"), "%", ratio("cases_decided_on_time", "cases_due"), link=_cases,
                better="high",
                doc=_("本年度按期（90日，经批准延长的按延长后期限）作出决定的案件 ÷（本年度作出决定的案件 + 统计时刻逾期"
                      "未决定的案件）；目标为规则 cases.closed_on_time_target_pct（默认 100%）。")),
            Kpi("cases.filed_rate", _("案件移送立案率"), "%", ratio("referrals_filed", "referrals_due"), link=_cases,
                better="high",
                doc=_("本年度监督检查移送（不予立案的除外）中已立案的比例；目标为规则 cases.filed_target_pct"
                      "（默认 100%）。")),
            Kpi("cases.overdue", _("逾期未决定案件"), _("件"), count_of("cases_open_overdue"), link=_overdue,
                better="low", doc=_("统计时刻尚未作出决定且已过决定期限的案件数。")),
            Kpi("cases.supervised", _("挂牌督办中的案件"), _("件"), count_of("cases_supervised"),
                link=lambda code: records_url("cases:case_list", code, supervised="1"),
                doc=_("统计时刻尚未作出决定、处于挂牌督办中的案件数。")),
        ],
        overdue=overdue_cases,
    )
)  # fmt: skip
