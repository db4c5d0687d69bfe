"""Automatic indicators (docs/evaluation.md §6): a catalog's `indicator` keys mapped to KPIs of the registry
(shian/core/kpis.py), each with its threshold from the seed (a rule of the rule store, with its source) and how the
figure becomes points. The figures are counted through the registry as the dashboard counts a county, at the
evaluation's as-of date (or the end of the last complete month or quarter, for figures that restart each period).

Points: every KPI of an indicator weighs the same share of the sub-item's points; a share is earned in full at or
above its threshold, else in proportion (PROPORTIONAL) or not at all (ALL_OR_NOTHING); no figure earns nothing. A
veto sub-item fails when its indicator's figure is below its threshold (a "high" figure such as satisfaction) or at
or above it (a count of incidents)."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.core import figcache, rules
from shian.core import kpis as registry
from shian.core.regioncodes import child_length
from shian.regions.models import Region

PROPORTIONAL, ALL_OR_NOTHING = "proportional", "all_or_nothing"
BELOW, AT_LEAST = "below", "at_least"  # when a veto indicator fails the evaluation
DAY, MONTH_END, QUARTER_END = "day", "month_end", "quarter_end"
TENTH = Decimal("0.1")
FAILED_BY = gettext_lazy("自动指标：")


@dataclass(frozen=True)
class Part:
    """One KPI of an indicator and its threshold: the rule's value ÷ `scale` in the KPI's unit (a rule is a whole
    number: 800 with scale 10 is 80 points); `per_thousand` divides a count by the county's population ÷ 1000."""

    kpi: str
    rule: str
    scale: int = 1
    per_thousand: bool = False


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object
    parts: tuple[Part, ...]
    mode: str = PROPORTIONAL
    fails: str = ""  # BELOW: scored, or a veto failing below; AT_LEAST: a veto only; "": scored only
    on: str = DAY
    note: object = ""


INDICATORS: dict[str, Indicator] = {i.key: i for i in (
    Indicator("baobao.coverage_visits", gettext_lazy("包保落实率、上季度督导完成率"),
              (Part("baobao.assigned_rate", "evaluation.baobao_pct"), Part("visits.quarter_rate", "evaluation.baobao_pct")),
              on=QUARTER_END, note=gettext_lazy("按上一个完整季度末计算")),
    Indicator("duties.staffing", gettext_lazy("食品安全管理人员配备率"),
              (Part("duties.staffed_rate", "evaluation.staffing_pct"),),
              note=gettext_lazy("按在营主体登记的食品安全总监或安全员计；管理制度的完善仍需佐证")),
    Indicator("duties.training_tests", gettext_lazy("年度培训学时达标率、监督抽考合格率"),
              (Part("duties.trained_rate", "evaluation.training_pct"), Part("knowledge.pass_rate", "evaluation.test_pass_pct")),
              note=gettext_lazy("学时与合格率均按本年度截至统计日计")),
    Indicator("inspections.full_coverage", gettext_lazy("日常监督检查全覆盖率"),
              (Part("inspections.coverage_floor", "evaluation.inspection_coverage_pct"),)),
    Indicator("sampling.plan_disposal_coverage", gettext_lazy("监督抽检完成率、核查处置率、生产企业抽检覆盖率"),
              (Part("sampling.plan_completion", "evaluation.sampling_pct"),
               Part("sampling.disposal_rate", "evaluation.sampling_pct"),
               Part("sampling.producer_coverage", "evaluation.sampling_pct"))),
    Indicator("sampling.published", gettext_lazy("抽检结果公布率"), (Part("sampling.published", "evaluation.sampling_pct"),)),
    Indicator("sampling.per_thousand", gettext_lazy("年度食品抽检量（批次/千人）"),
              (Part("sampling.samples", "evaluation.samples_per_thousand_x10", scale=10, per_thousand=True),),
              note=gettext_lazy("农药兽药残留专项抽检量平台尚未单独统计")),
    Indicator("cases.filed_closed", gettext_lazy("案件移送立案率、按期办结率"),
              (Part("cases.filed_rate", "evaluation.cases_pct"), Part("cases.on_time", "evaluation.cases_pct"))),
    Indicator("complaints.closed_on_time", gettext_lazy("食品类投诉举报按时办结率"),
              (Part("complaints.closed_on_time", "evaluation.complaints_on_time_pct"),),
              note=gettext_lazy("热线接通率需话务系统数据，平台暂不掌握")),
    Indicator("emergency.live_drill", gettext_lazy("近两年实战应急演练"),
              (Part("emergency.live_drills", "evaluation.live_drills"),), mode=ALL_OR_NOTHING),
    Indicator("credit.insured_priority", gettext_lazy("重点领域食品安全责任保险覆盖率"),
              (Part("credit.insured_priority", "evaluation.insurance_pct"),)),
    Indicator("lists.editions", gettext_lazy("上月发布红黑榜期数"), (Part("lists.editions_month", "lists.editions_per_month"),),
              on=MONTH_END, note=gettext_lazy("按上一个完整月计算")),
    Indicator("inspections.kitchen_school", gettext_lazy("学校食堂“互联网+明厨亮灶”覆盖率"),
              (Part("inspections.kitchen_school", "evaluation.kitchen_school_pct"),),
              note=gettext_lazy("平台口径含养老机构食堂，校外供餐单位尚无登记字段")),
    Indicator("surveys.satisfaction", gettext_lazy("食品安全群众满意度"),
              (Part("surveys.satisfaction", "surveys.satisfaction_min_x10", scale=10),), fails=BELOW),
    Indicator("surveys.awareness", gettext_lazy("食品安全示范创建知晓率"),
              (Part("surveys.awareness", "surveys.awareness_min_permille", scale=10),)),
    Indicator("incidents.major_2y", gettext_lazy("二年内重大及以上食品安全事故"),
              (Part("emergency.veto_incidents", "evaluation.veto_incidents"),), fails=AT_LEAST),
)}  # fmt: skip


def check(key: str, *, veto: bool) -> str:
    """An error message for an unknown key or one that cannot sit on this kind of sub-item; "" when fine."""
    indicator = INDICATORS.get(key)
    if indicator is None:
        return _("自动指标“%(k)s”不存在，可用的有：%(all)s。") % {"k": key, "all": "、".join(sorted(INDICATORS))}
    if veto and not indicator.fails:
        return _("自动指标“%(k)s”不能用于否决项。") % {"k": key}
    if not veto and indicator.fails == AT_LEAST:
        return _("自动指标“%(k)s”只能用于否决项。") % {"k": key}
    return ""


@dataclass
class Figure:
    """What the evaluation page shows for an automatic sub-item: each KPI's value beside its threshold, the points
    earned and (for a veto) whether it fails."""

    key: str
    label: str
    on: datetime.date
    rows: list[dict] = field(default_factory=list)  # {"key", "label", "value", "text", "threshold", "link"}
    share: Decimal = Decimal(0)  # 0…1 of the sub-item's points
    failed: bool = False
    note: str = ""
    stored: bool = False  # read from the dashboard's KPI history of that day rather than counted now

    def points(self, maximum: Decimal) -> Decimal:
        return (maximum * self.share).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def text(self) -> str:
        return "；".join(f"{r['label']} {r['text']}（{_('达标线')} {r['threshold_text']}）" for r in self.rows)


def day_for(indicator: Indicator, as_of: datetime.date) -> datetime.date:
    if indicator.on == MONTH_END:
        return as_of.replace(day=1) - datetime.timedelta(days=1)
    if indicator.on == QUARTER_END:
        return as_of.replace(month=(as_of.month - 1) // 3 * 3 + 1, day=1) - datetime.timedelta(days=1)
    return as_of


def _providers_of(keys: set[str]) -> list:
    return [p for p in registry.providers() if any(k.key in keys for k in p.kpis)]


def _parts(code: str, day: datetime.date, kpi_keys: set[str]) -> tuple[registry.Parts, bool]:
    """The county's parts of the providers behind `kpi_keys` on `day` and whether they were stored. A past day
    the dashboard's KPI history holds (month and quarter ends, recorded the night after) is read in one row;
    otherwise only those providers count, once each, summed over the county's areas as the dashboard sums them
    (and kept a minute in the shared figures cache)."""
    if day < timezone.localdate():
        stored = registry.stored_parts(code, day)
        if stored is not None:
            return stored, True
    providers = _providers_of(kpi_keys)
    names = tuple(sorted(p.key for p in providers))

    def compute():
        grouping = registry.Grouping(child_length(code))
        groups: dict = {}
        for p in providers:
            registry.absorb(groups, p.count(prefix=code, grouping=grouping, as_of=day, series=False))
        return registry.total(g for c, g in groups.items() if c.startswith(code))

    parts, _at, _cached = figcache.remember(kind="evaluation", code=code, key=(day, *names), compute=compute)
    return parts, False


def _population(code: str) -> int | None:
    """The county's population (the registry's), else the sum of its townships'."""
    region = Region.objects.filter(code=code).values_list("population", flat=True).first()
    if region:
        return region
    total = sum(p or 0 for p in Region.objects.filter(parent_id=code).values_list("population", flat=True))
    return total or None


def evaluate(code: str, as_of: datetime.date, keys) -> dict[str, Figure]:
    """The figure of every indicator in `keys` for the county `code` on `as_of`."""
    wanted = [INDICATORS[k] for k in sorted(set(keys)) if k in INDICATORS]
    by_day: dict[datetime.date, set[str]] = {}
    for ind in wanted:
        by_day.setdefault(day_for(ind, as_of), set()).update(p.kpi for p in ind.parts)
    counted = {day: _parts(code, day, kpi_keys) for day, kpi_keys in by_day.items()}
    parts_on = {day: parts for day, (parts, _stored) in counted.items()}
    population = _population(code) if any(p.per_thousand for i in wanted for p in i.parts) else None
    out = {}
    for ind in wanted:
        day = day_for(ind, as_of)
        figure = Figure(ind.key, str(ind.label), day, note=str(ind.note), stored=counted[day][1])
        shares, failed = [], False
        for part in ind.parts:
            kpi = registry.kpi(part.kpi)
            value = kpi.value(parts_on[day]) if kpi else None
            unit = str(kpi.unit) if kpi else ""
            if value is not None and part.per_thousand:
                value = round(value * 1000 / population, 2) if population else None
                unit = _("批次/千人")
            threshold = Decimal(rules.value(part.rule, code, day)) / part.scale
            if value is None:
                shares.append(Decimal(0))
            elif Decimal(str(value)) >= threshold:
                shares.append(Decimal(1))
            elif ind.mode == PROPORTIONAL and threshold > 0:
                shares.append(Decimal(str(value)) / threshold)
            else:
                shares.append(Decimal(0))
            if ind.fails == BELOW and value is not None and Decimal(str(value)) < threshold:
                failed = True
            if ind.fails == AT_LEAST and value is not None and Decimal(str(value)) >= threshold:
                failed = True
            figure.rows.append({
                "key": part.kpi, "label": str(kpi.label) if kpi else part.kpi, "value": value,
                "text": registry.fmt(value, unit) + ("" if unit == "%" or value is None else str(unit)),
                "threshold": threshold, "threshold_text": f"{threshold.normalize():f}{'%' if unit == '%' else ''}",
                "link": kpi.link(code) if kpi and kpi.link else "",
            })  # fmt: skip
        figure.share = sum(shares, Decimal(0)) / len(shares) if shares else Decimal(0)
        figure.failed = failed
        out[ind.key] = figure
    return out
