"""Sampling figures for the dashboard and the sampling overview (docs/sampling.md, docs/kpis.md); each part of
docs/sampling.md registers its own block, every figure built from additive parts (shian/core/kpis.py)."""

# -- plans: plan completion, pass rate, coverage of producers --
# Samples, results and disposals of the year of the statistics day, counted at the end of that day (or now, if
# earlier); plan lines by their township, the rest by the region of the sampled entity (docs/kpis.md).

import datetime  # noqa: E402

from django.db.models import Count, Exists, OuterRef, Q, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from shian.core.jurisdiction import narrow_to  # noqa: E402
from shian.core.kpis import (  # noqa: E402
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
from shian.core.periods import day_end  # noqa: E402
from shian.entities.models import BusinessType, Entity  # noqa: E402

from .defaults import CATEGORIES  # noqa: E402
from .models import Disposal, PlanLine, Sample  # noqa: E402
from .ruledefs import (  # noqa: E402
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
