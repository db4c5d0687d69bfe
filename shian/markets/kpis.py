"""Daily figures of smart markets for the dashboard (docs/markets.md §5), built from additive parts
(shian/core/kpis.py): of the markets with stalls trading on the day, how many posted the day's rapid tests, the
share of trading stalls tested, and the failure rate of the day's tests. Counted in the market's region; a market
lies in one region, so distinct markets (and stalls) per region add up."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, absorb, count_of, ratio, records_url, register

from .models import Stall, StallTest
from .ruledefs import TESTED_TARGET

TARGETS = {"markets.stalls_tested": TESTED_TARGET.code}


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """The parts of `as_of` (the day) under `prefix`."""
    trading = Q(active_from__lte=as_of) & (Q(active_until__isnull=True) | Q(active_until__gte=as_of))
    stalls = narrow_to(Stall.objects.filter(trading), prefix)
    tests = narrow_to(StallTest.objects.filter(day=as_of, stall__in=Stall.objects.filter(trading)), prefix)
    out: dict = {}
    absorb(out, grouping.sums(stalls, "region_id", "market_id", markets_trading=Count("market_id", distinct=True),
                              stalls_trading=Count("pk")))  # fmt: skip
    absorb(out, grouping.sums(tests, "region_id", "market_id", markets_posted=Count("market_id", distinct=True),
                              stalls_tested=Count("stall_id", distinct=True), stall_tests=Count("pk"),
                              stall_tests_failed=Count("pk", filter=Q(result=StallTest.Result.FAIL))))  # fmt: skip
    return out


def _list(code: str) -> str:
    return records_url("markets:market_list", code)


register(
    Provider(
        key="markets",
        count=count,
        kpis=[
            Kpi("markets.posted", _("当日上传快检的市场"), _("个"), count_of("markets_posted"), link=_list,
                doc=_("统计日有摊位在营的市场中，当日至少上传一条摊位快检记录的市场数。")),
            Kpi("markets.posted_rate", _("市场快检上传率"), "%", ratio("markets_posted", "markets_trading"),
                link=_list, better="high", doc=_("当日上传快检的市场 ÷ 当日有摊位在营的市场。")),
            Kpi("markets.stalls_tested", _("摊位快检覆盖率"), "%", ratio("stalls_tested", "stalls_trading"),
                link=_list, better="high",
                doc=_("当日至少快检一次的在营摊位 ÷ 当日在营摊位；目标为规则 markets.tested_target_pct。")),
            Kpi("markets.failure_rate", _("摊位快检不合格率"), "%", ratio("stall_tests_failed", "stall_tests"),
                link=_list, better="low", doc=_("当日摊位快检不合格的批次 ÷ 当日摊位快检批次。")),
        ],
    )
)  # fmt: skip
