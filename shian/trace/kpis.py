"""Figures of trace and recall for the dashboard (docs/trace.md §5), from additive parts (shian/core/kpis.py): recalls
started this year, the completion rate (recalls completed ÷ recalls completed or past their finish due; target: rule
trace.recall_completion_target_pct, 100 %), the holders' confirmation rate, and recalls overdue at the instant.
Counted in the producer's region."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, absorb, count_of, ratio, records_url, register
from shian.core.periods import day_end

from .models import Recall, RecallNotice
from .ruledefs import COMPLETION_TARGET

TARGETS = {"trace.recall_completion": COMPLETION_TARGET.code, "trace.recall_confirmation": COMPLETION_TARGET.code}


def _year_window(as_of: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(as_of.replace(month=1, day=1), datetime.time.min))
    return start, min(timezone.now(), day_end(as_of))


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    start, instant = _year_window(as_of)
    rows = narrow_to(Recall.objects.filter(announced_at__gte=start, announced_at__lt=instant), prefix)
    done = Q(completed_at__isnull=False, completed_at__lt=instant)
    late = Q(finish_due__lt=instant) & (Q(completed_at__isnull=True) | Q(completed_at__gte=instant))
    out: dict = {}
    absorb(out, grouping.sums(rows, "region_id", "producer_id",
                              recalls_started=Count("pk"),
                              recalls_completed=Count("pk", filter=done),
                              recalls_overdue=Count("pk", filter=late)))  # fmt: skip
    notices = narrow_to(RecallNotice.objects.filter(recall__announced_at__gte=start, notified_at__lt=instant),
                        prefix, field="recall__region")  # fmt: skip
    absorb(out, grouping.sums(notices, "recall__region_id", "recall__producer_id",
                              recall_holders=Count("pk"),
                              recall_confirmed=Count("pk", filter=Q(confirmed_at__lt=instant))))  # fmt: skip
    for parts in out.values():
        parts["recalls_due"] = parts.get("recalls_completed", 0) + parts.get("recalls_overdue", 0)
    return out


def _list(code: str) -> str:
    return records_url("trace:recall_list", code)


register(
    Provider(
        key="trace",
        count=count,
        kpis=[
            Kpi("trace.recalls", _("本年度发起召回"), _("起"), count_of("recalls_started"), link=_list,
                doc=_("本年度（截至统计时刻）发起的食品召回数，按召回主体所在区划统计。")),
            Kpi("trace.recall_completion", _("召回完成率"), "%", ratio("recalls_completed", "recalls_due"),
                link=_list, better="high",
                doc=_("本年度发起的召回中已完成的 ÷（已完成 + 已过完成期限仍未完成的）；目标为规则 "
                      "trace.recall_completion_target_pct（100%）。")),
            Kpi("trace.recall_confirmation", _("召回持有者确认下架率"), "%", ratio("recall_confirmed", "recall_holders"),
                link=_list, better="high",
                doc=_("本年度召回通知到的持有者中已确认下架的比例。")),
            Kpi("trace.recalls_overdue", _("逾期未完成的召回"), _("起"), count_of("recalls_overdue"),
                link=lambda code: records_url("trace:recall_list", code, status="open"), better="low",
                doc=_("统计时刻已过完成期限仍未完成的召回数。")),
        ],
    )
)  # fmt: skip
