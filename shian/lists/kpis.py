"""Figures of the lists for the dashboard (docs/lists.md §5, docs/kpis.md): 红黑榜 editions published this month
against the seed's at least three a month (rule lists.editions_per_month), per region, with the monthly series;
businesses on the serious-dishonesty list; joint-punishment flags waiting."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, Series, absorb, count_of, periodic, records_url, register
from shian.core.periods import day_end

from .models import DishonestyEntry, Edition, JointFlag
from .ruledefs import EDITIONS_PER_MONTH

TARGETS = {"lists.editions_month": EDITIONS_PER_MONTH.code}


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    instant = min(timezone.now(), day_end(as_of))
    start = timezone.make_aware(datetime.datetime.combine(as_of.replace(day=1), datetime.time.min))
    out: dict = {}
    published = narrow_to(Edition.objects.filter(published_at__isnull=False), prefix)
    absorb(out, grouping.sums(published, "region_id", "region_id",
                              editions_month=Count("pk", filter=Q(published_at__gte=start, published_at__lt=instant))))  # fmt: skip
    listed = narrow_to(DishonestyEntry.objects.filter(status=DishonestyEntry.Status.LISTED), prefix, "entity__region")
    absorb(out, grouping.sums(listed, "entity__region_id", "entity_id", dishonesty_listed=Count("pk")))
    flags = narrow_to(JointFlag.objects.filter(status=JointFlag.Status.OPEN), prefix)
    absorb(out, grouping.sums(flags, "region_id", "entity_id", joint_flags_open=Count("pk")))
    if series:
        absorb(out, periodic(grouping, published, "region_id", "region_id", "published_at", as_of=as_of,
                             name="editions"))  # fmt: skip
    return out


register(
    Provider(
        key="lists",
        count=count,
        kpis=[
            Kpi("lists.editions_month", _("本月发布红黑榜期数"), _("期"), count_of("editions_month"),
                link=lambda code: records_url("lists:edition_list", code, status="published"), better="high",
                doc=_("本月（截至统计时刻）发布的红黑榜期数（撤回的仍计入当月发布）；目标为规则 lists.editions_per_month"
                      "（默认每月不少于 3 期）。")),
            Kpi("lists.dishonesty_listed", _("严重违法失信名单在列主体"), _("户"), count_of("dishonesty_listed"),
                link=lambda code: records_url("lists:entry_list", code, status="listed"),
                doc=_("统计时刻仍在严重违法失信名单上的条目数（期满、修复、撤销的不计）。")),
            Kpi("lists.joint_flags_open", _("待核查的联合惩戒提示"), _("条"), count_of("joint_flags_open"),
                link=lambda code: records_url("lists:flag_list", code, status="open"), better="low",
                doc=_("失信主体的统一社会信用代码或关键人员身份证件号码出现在新许可证照或其他主体关键人员中、尚未核查的提示数。")),
        ],
        series=[Series("editions_m", _("每月发布红黑榜期数"), "editions_m", "month")],
    )
)  # fmt: skip
