"""Sampling figures for the dashboard and the sampling overview (docs/sampling.md, docs/kpis.md); each part of
docs/sampling.md registers its own block, every figure built from additive parts (shian/core/kpis.py)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import (
    Breakdown,
    Kpi,
    Provider,
    Series,
    absorb,
    count_of,
    periodic,
    ratio,
    records_url,
    register,
)
from shian.core.periods import day_end
from shian.entities.models import BusinessType, Entity
from shian.inspections.models import Station

from .defaults import CATEGORIES
from .models import Disposal, PlanLine, RapidTest, Sample
from .ruledefs import (
    DISPOSAL_ON_TIME,
    DISPOSAL_RATE,
    PASS_RATE,
    PLAN_COMPLETION,
    PRODUCER_COVERAGE,
)

TARGETS = {  # KPI key -> the rule holding its target (a percentage), shown beside the figure
    "sampling.plan_completion": PLAN_COMPLETION.code,
    "sampling.pass_rate": PASS_RATE.code,
    "sampling.disposal_rate": DISPOSAL_RATE.code,
    "sampling.disposal_on_time": DISPOSAL_ON_TIME.code,
    "sampling.producer_coverage": PRODUCER_COVERAGE.code,
}


# -- plans: plan completion, pass rate, coverage of producers --
# Samples, results and disposals of the year of the statistics day, counted at the end of that day (or now, if
# earlier); plan lines by their township, the rest by the region of the sampled entity (docs/kpis.md).
def _instant(as_of: datetime.date) -> datetime.datetime:
    return min(timezone.now(), day_end(as_of))


def _year_start(as_of: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(as_of.replace(month=1, day=1), datetime.time.min))


def year_samples(prefix: str, as_of: datetime.date):
    """Samples taken in the year of `as_of`, by its end."""
    qs = Sample.objects.filter(sampled_at__gte=_year_start(as_of), sampled_at__lt=_instant(as_of))
    return narrow_to(qs, prefix)


def count_plan(*, prefix: str, grouping, as_of: datetime.date) -> dict:
    """Batches planned for the months of the year up to and including that of `as_of` (every plan of the year,
    plan lines by township; nothing at the entity level), and the year's samples."""
    out: dict = {}
    if grouping.depth is not None:
        lines = narrow_to(PlanLine.objects.filter(plan__year=as_of.year, month__lte=as_of.month), prefix,
                          "township")  # fmt: skip
        absorb(out, grouping.sums(lines, "township_id", "township_id", samp_plan_due=Sum("batches")))
    absorb(out, grouping.sums(year_samples(prefix, as_of), "region_id", "entity_id", samp_done=Count("pk")))
    return out


def count_results(*, prefix: str, grouping, as_of: datetime.date) -> dict:
    """The year's samples with a conclusion dated by `as_of`: tested, passed, failed."""
    qs = narrow_to(Sample.objects.filter(report_date__year=as_of.year, report_date__lte=as_of)
                   .exclude(conclusion=""), prefix)  # fmt: skip
    out: dict = {}
    absorb(out, grouping.sums(qs, "region_id", "entity_id", samp_tested=Count("pk"),
                              samp_pass=Count("pk", filter=Q(conclusion=Sample.Conclusion.PASS)),
                              samp_fail=Count("pk", filter=Q(conclusion=Sample.Conclusion.FAIL))))  # fmt: skip
    return out


def count_disposals(*, prefix: str, grouping, as_of: datetime.date) -> dict:
    """Disposal cases opened in the year by the statistics instant: opened, closed by then; due (closed, or past
    their deadline), closed on time."""
    instant = _instant(as_of)
    qs = narrow_to(Disposal.objects.filter(opened_at__gte=_year_start(as_of), opened_at__lt=instant), prefix)
    closed = Q(closed_at__isnull=False, closed_at__lt=instant)
    out: dict = {}
    absorb(out, grouping.sums(qs, "region_id", "entity_id", disp_opened=Count("pk"),
                              disp_closed=Count("pk", filter=closed),
                              disp_due=Count("pk", filter=closed | Q(due_at__lt=instant)),
                              disp_on_time=Count("pk", filter=closed & Q(on_time=True))))  # fmt: skip
    return out


def count_producers(*, prefix: str, grouping, as_of: datetime.date) -> dict:
    """Operating food producers, and those sampled this year: at their premises or named as the producer."""
    producers = narrow_to(Entity.objects.filter(status=Entity.Status.OPERATING, business_type=BusinessType.PRODUCTION,
                                                created_at__lt=day_end(as_of)), prefix)  # fmt: skip
    taken = Sample.objects.filter(sampled_at__gte=_year_start(as_of), sampled_at__lt=_instant(as_of))
    at = taken.filter(entity=OuterRef("pk"))
    named = taken.filter(producer_uscc=OuterRef("uscc")).exclude(producer_uscc="")
    out: dict = {}
    absorb(out, grouping.sums(producers, "region_id", "pk", prod_entities=Count("pk"),
                              prod_sampled=Count("pk", filter=Exists(at) | Exists(named))))  # fmt: skip
    return out


def count_categories(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """The year's samples per food category (`samp_cat:<code>`); monthly and weekly series on request."""
    out: dict = {}
    rows = (
        year_samples(prefix, as_of)
        .annotate(k=grouping.key("region_id", "entity_id"))
        .values("k", "category")
        .order_by()
        .annotate(n=Count("pk"))
    )
    for r in rows:
        absorb(out, {str(r["k"]): {f"samp_cat:{r['category']}": r["n"]}})
    if series:
        absorb(out, periodic(grouping, narrow_to(Sample.objects.all(), prefix), "region_id", "entity_id",
                             "sampled_at", as_of=as_of, name="samp"))  # fmt: skip
    return out


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Every sampling part under `prefix` (the provider's `count`)."""
    out: dict = {}
    for family in (count_plan, count_results, count_disposals, count_producers):
        absorb(out, family(prefix=prefix, grouping=grouping, as_of=as_of))
    absorb(out, count_categories(prefix=prefix, grouping=grouping, as_of=as_of, series=series))
    return out


def _overview(code: str) -> str:
    return records_url("sampling:overview", code)


def _samples(**params):
    return lambda code: records_url("sampling:samples", code, **params)


def _category_link(code: str, key: str) -> str:
    return records_url("sampling:samples", code, category=key)


register(
    Provider(
        key="sampling",
        count=count,
        kpis=[
            Kpi("sampling.plan_completion", _("抽检计划完成率"), "%", ratio("samp_done", "samp_plan_due"),
                link=_overview, better="high",
                doc=_("本年度已抽样批次 ÷ 本年度抽检计划中截至统计日所在月的计划批次；"
                      "目标为规则 sampling.plan_completion_target_pct（默认 100%）。")),
            Kpi("sampling.samples", _("本年度抽样批次"), _("批次"), count_of("samp_done"), link=_samples(),
                doc=_("本年度（截至统计日）登记的样品数。")),
            Kpi("sampling.pass_rate", _("抽检合格率"), "%", ratio("samp_pass", "samp_tested"),
                link=_samples(conclusion="pass"), better="high",
                doc=_("本年度报告日期不晚于统计日的检验结论中“合格”的比例；目标为规则 sampling.pass_rate_target_pct（默认 98%）。")),
            Kpi("sampling.failed", _("不合格批次"), _("批次"), count_of("samp_fail"), link=_samples(conclusion="fail"),
                better="low", doc=_("本年度报告日期不晚于统计日、检验结论为“不合格”的样品数。")),
            Kpi("sampling.disposal_rate", _("核查处置率"), "%", ratio("disp_closed", "disp_opened"), link=_overview,
                better="high",
                doc=_("本年度启动的核查处置中已办结的比例；目标为规则 sampling.disposal_rate_target_pct（默认 100%）。")),
            Kpi("sampling.disposal_on_time", _("核查处置按期完成率"), "%", ratio("disp_on_time", "disp_due"),
                link=_overview, better="high",
                doc=_("本年度启动、已办结或已过办结期限的核查处置中按期办结的比例；"
                      "目标为规则 sampling.disposal_on_time_pct（默认 95%）。")),
            Kpi("sampling.producer_coverage", _("生产企业抽检覆盖率"), "%", ratio("prod_sampled", "prod_entities"),
                link=_overview, better="high",
                doc=_("在营食品生产企业中，本年度在其厂内抽样或作为标称生产者被抽样的比例；"
                      "目标为规则 sampling.producer_coverage_target_pct（默认 100%）。")),
        ],
        breakdowns=[
            Breakdown("samp_cat", _("抽样按食品类别"), "samp_cat",
                      labels=lambda: {row["code"]: row["name"] for row in CATEGORIES}, link=_category_link),
        ],
        series=[Series("samp_m", _("每月抽样批次"), "samp_m", "month")],
    )
)  # fmt: skip


# -- lab results and disposal: disposal rate, disposal on time --

# -- public: results published, 你点我检, rapid tests --
# Rapid tests are counted apart from lab results (docs/sampling.md §5).


def count_public(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Rapid-test rooms per station (stations with an active room), rapid tests and positives this month (apart
    from lab results), and results published out of results with a conclusion. Rooms and stations belong to a
    county: they are counted at county depth and above, never per entity."""
    out: dict = {}
    month_start = as_of.replace(day=1)
    absorb(out, grouping.sums(narrow_to(Sample.objects.exclude(conclusion=""), prefix), "region_id", "entity_id",
                              pub_due=Count("pk"), pub_done=Count("pk", filter=Q(published_at__isnull=False))))  # fmt: skip
    if grouping.depth is None:
        return out
    stations = narrow_to(Station.objects.all(), prefix)
    absorb(out, grouping.sums(stations, "region_id", "pk", rapid_stations=Count("pk", distinct=True),
                              rapid_covered=Count("pk", filter=Q(rapid_test_rooms__active=True), distinct=True),
                              rapid_rooms=Count("rapid_test_rooms", filter=Q(rapid_test_rooms__active=True),
                                                distinct=True)))  # fmt: skip
    tests = narrow_to(RapidTest.objects.filter(day__gte=month_start, day__lte=as_of), prefix, "room__station__region")
    absorb(out, grouping.sums(tests, "room__station__region_id", "entity_id", rapid_tests=Count("pk"),
                              rapid_positive=Count("pk", filter=Q(result=RapidTest.Result.POSITIVE))))  # fmt: skip
    return out


def _rooms(code: str) -> str:
    return records_url("sampling:rapid_rooms", code)


def _public(code: str) -> str:
    return records_url("sampling:public_results", code)


register(
    Provider(
        key="sampling_public",
        count=count_public,
        kpis=[
            Kpi(
                "sampling.published",
                _("抽检结果公布率"),
                "%",
                ratio("pub_done", "pub_due"),
                link=_public,
                better="high",
                doc=_("已出检验结论的样品中，结果已在公示页面公布的比例。"),
            ),
            Kpi(
                "sampling.rapid_station_coverage",
                _("快检室覆盖市场监管所比例"),
                "%",
                ratio("rapid_covered", "rapid_stations"),
                link=_rooms,
                better="high",
                doc=_("有在用快检室的市场监管所占全部市场监管所的比例（按所属县区统计）。"),
            ),
            Kpi(
                "sampling.rapid_rooms",
                _("在用快检室"),
                "",
                count_of("rapid_rooms"),
                link=_rooms,
                doc=_("在用快检室数量（按市场监管所所属县区统计）。"),
            ),
            Kpi(
                "sampling.rapid_tests_month",
                _("本月快检批次"),
                "",
                count_of("rapid_tests"),
                link=_rooms,
                doc=_("本月 1 日至统计日快检室登记的快检批次，与实验室检验结果分开统计。"),
            ),
            Kpi(
                "sampling.rapid_positive_month",
                _("本月快检阳性批次"),
                "",
                count_of("rapid_positive"),
                link=_rooms,
                better="low",
                doc=_("本月快检结果为阳性（疑似不合格）的批次。"),
            ),
        ],
    )
)
