"""Figures of notices for the dashboard (docs/notices.md §5), built from additive parts (shian/core/kpis.py): notices
issued this year, replied on time (target: rule notices.on_time_target_pct), escalated, and overdue at the instant.
Counted in the recipient's region (a township's figures are the notices to it and to the entities in it)."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, absorb, count_of, ratio, records_url, register
from shian.core.periods import day_end

from .models import Notice
from .ruledefs import ON_TIME_TARGET

TARGETS = {"notices.on_time": ON_TIME_TARGET.code}


def _year_window(as_of: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(as_of.replace(month=1, day=1), datetime.time.min))
    return start, min(timezone.now(), day_end(as_of))


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Every notice part under `prefix` at the end of `as_of` (or now, if earlier)."""
    start, instant = _year_window(as_of)
    rows = narrow_to(Notice.objects.filter(issued_at__isnull=False), prefix)
    replied = Q(replied_at__gte=start, replied_at__lt=instant)
    waiting = Q(delivered_at__lt=instant, reply_due__lt=instant) & (
        Q(replied_at__isnull=True) | Q(replied_at__gte=instant)
    )
    out: dict = {}
    absorb(out, grouping.sums(rows, "region_id", "entity_id",
                              notices_issued=Count("pk", filter=Q(issued_at__gte=start, issued_at__lt=instant)),
                              notices_replied=Count("pk", filter=replied),
                              notices_replied_on_time=Count("pk", filter=replied & Q(replied_on_time=True)),
                              notices_overdue=Count("pk", filter=waiting),
                              notices_escalated=Count("pk", filter=Q(escalated_at__gte=start, escalated_at__lt=instant))))  # fmt: skip
    for parts in out.values():
        parts["notices_due"] = parts.get("notices_replied", 0) + parts.get("notices_overdue", 0)
    return out


def _list(code: str) -> str:
    return records_url("notices:notice_list", code)


register(
    Provider(
        key="notices",
        count=count,
        kpis=[
            Kpi("notices.issued", _("本年度签发三书一函"), _("份"), count_of("notices_issued"), link=_list,
                doc=_("本年度（截至统计时刻）签发的三书一函份数，按收文对象所在区划统计。")),
            Kpi("notices.on_time", _("三书一函按期答复率"), "%", ratio("notices_replied_on_time", "notices_due"),
                link=_list, better="high",
                doc=_("本年度按期答复的文书 ÷（本年度答复的文书 + 统计时刻逾期未答复的文书）；目标为规则 "
                      "notices.on_time_target_pct。")),
            Kpi("notices.overdue", _("逾期未答复的三书一函"), _("份"), count_of("notices_overdue"),
                link=lambda code: records_url("notices:notice_list", code, overdue="1"), better="low",
                doc=_("统计时刻已送达、已过答复期限且尚未答复的文书份数。")),
            Kpi("notices.escalated", _("本年度逾期升级的三书一函"), _("份"), count_of("notices_escalated"), link=_list,
                better="low", doc=_("本年度因逾期未答复而升级为上一等级文书（或报告上级）的份数。")),
        ],
    )
)  # fmt: skip
