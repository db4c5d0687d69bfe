"""The knowledge tests' figure for the dashboard and the evaluation (S1 53: 监督抽查考核合格率 ≥ 95 %, the
evaluation's indicator duties.training_tests, docs/evaluation.md §6): papers handed in this year and those passed."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, absorb, ratio, records_url, register
from shian.core.periods import day_end

from .models import Attempt


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Papers of tests not cancelled, handed in (and marked) from 1 January of `as_of`'s year to its end."""
    start = day_end(as_of.replace(month=1, day=1) - datetime.timedelta(days=1))  # 1 January, 0:00 local
    marked = narrow_to(Attempt.objects.filter(test__cancelled_at__isnull=True, passed__isnull=False,
                                              submitted_at__gte=start, submitted_at__lt=day_end(as_of)), prefix)  # fmt: skip
    out: dict = {}
    absorb(out, grouping.sums(marked, "region_id", "entity_id", ktest_done=Count("pk"),
                              ktest_passed=Count("pk", filter=Q(passed=True))))  # fmt: skip
    return out


register(
    Provider(
        key="knowledge",
        count=count,
        kpis=[
            Kpi(
                "knowledge.pass_rate", _("本年度监督抽考合格率"), "%", ratio("ktest_passed", "ktest_done"),
                link=lambda code: records_url("knowledge:home", code), better="high",
                doc=_("统计日所在年度 1 月 1 日至统计日交卷并判分的抽考试卷中合格的比例（已取消的抽考不计）。"),
            ),
        ],
    )
)  # fmt: skip
