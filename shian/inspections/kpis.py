"""Inspection figures for the dashboard and the inspections overview (docs/inspections.md §7, docs/kpis.md):
coverage this year and within the coverage floor, the plan kept, outcomes of the year's inspections, rectification
orders open, overdue and escalated, 明厨亮灶 coverage by category, the catering floor and the risk bands.

Every figure is built from additive parts (shian/core/kpis.py), counted in a few grouped queries per family."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core import rules
from shian.core.jurisdiction import narrow_to
from shian.core.kpis import (
    Breakdown,
    Kpi,
    Provider,
    Series,
    absorb,
    add,
    count_of,
    periodic,
    ratio,
    records_url,
    register,
)  # fmt: skip
from shian.core.periods import day_end
from shian.entities.models import Entity, SubType

from .models import (
    CateringLevel,
    Inspection,
    InspectionPlan,
    KitchenLink,
    Outcome,
    PlannedInspection,
    RectificationOrder,
    RiskBand,
    current_grade,
)  # fmt: skip
from .ruledefs import CATERING_FLOOR_PCT, COVERAGE_YEARS, KITCHEN_HOSPITAL, KITCHEN_SCHOOL

# 明厨亮灶 categories (docs/inspections.md §6) and the units held to the catering floor (docs/domain.md §7)
KITCHEN_SCHOOL_TYPES = (SubType.SCHOOL_CANTEEN, SubType.KINDERGARTEN_CANTEEN, SubType.ELDERLY_CANTEEN)
KITCHEN_HOSPITAL_TYPES = (SubType.HOSPITAL_CANTEEN,)
FLOOR_TYPES = KITCHEN_SCHOOL_TYPES + KITCHEN_HOSPITAL_TYPES
FLOOR_LEVELS = (CateringLevel.EXCELLENT, CateringLevel.GOOD)
UNGRADED = "-"

# KPI key -> the rule holding its target (a percentage), shown beside the figure
TARGETS = {
    "inspections.kitchen_school": KITCHEN_SCHOOL.code,
    "inspections.kitchen_hospital": KITCHEN_HOSPITAL.code,
    "inspections.catering_floor": CATERING_FLOOR_PCT.code,
}


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` years earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def operating(prefix: str, as_of: datetime.date):
    """Entities in operation registered by the end of `as_of`, under `prefix`: the denominator of coverage."""
    qs = Entity.objects.filter(status=Entity.Status.OPERATING, created_at__lt=day_end(as_of))
    return narrow_to(qs, prefix)


def count_coverage(*, prefix: str, grouping, as_of: datetime.date) -> dict:
    """Operating entities, those inspected this year by `as_of`, those inspected within the coverage floor
    (`inspections.coverage_years`), and the risk band each has now (its current grade, joined; none: ungraded)."""
    year_start = as_of.replace(month=1, day=1)
    floor_start = years_before(as_of, rules.value(COVERAGE_YEARS.code, prefix, as_of))
    signed = Inspection.objects.filter(entity=OuterRef("pk"), inspected_on__lte=as_of)
    sums = grouping.sums(
        operating(prefix, as_of).annotate(grade=current_grade()), "region_id", "pk",
        insp_entities=Count("pk"),
        insp_year=Count("pk", filter=Exists(signed.filter(inspected_on__gte=year_start))),
        insp_floor=Count("pk", filter=Exists(signed.filter(inspected_on__gt=floor_start))),
        **{f"risk_{band}": Count("pk", filter=Q(grade__band=band)) for band in RiskBand.values},
        risk_none=Count("pk", filter=Q(grade__isnull=True)),
    )  # fmt: skip
    out: dict = {}
    for group, parts in sums.items():
        for name, n in parts.items():
            if name.startswith("risk_"):
                name = f"risk:{UNGRADED if name == 'risk_none' else name[5:]}"
            add(out, group, name, n)
    return out


def count_special(*, prefix: str, grouping, as_of: datetime.date) -> dict:
    """School, kindergarten, elderly-care and hospital canteens: those with a 明厨亮灶 link online, and those
    whose latest dynamic 量化 level by `as_of` is at least 良好 (one query over these few entities)."""
    latest = (
        Inspection.objects.filter(entity=OuterRef("pk"), inspected_on__lte=as_of)
        .exclude(catering_level="")
        .order_by("-inspected_on", "-pk")
        .values("catering_level")[:1]
    )
    online = KitchenLink.objects.filter(entity=OuterRef("pk"), status=KitchenLink.Status.ONLINE, since__lte=as_of)
    school, hospital = Q(sub_type__in=KITCHEN_SCHOOL_TYPES), Q(sub_type__in=KITCHEN_HOSPITAL_TYPES)
    rows = operating(prefix, as_of).filter(sub_type__in=FLOOR_TYPES).annotate(level=Subquery(latest))
    out: dict = {}
    absorb(out, grouping.sums(
        rows, "region_id", "pk",
        kitchen_school=Count("pk", filter=school), kitchen_school_on=Count("pk", filter=school & Exists(online)),
        kitchen_hospital=Count("pk", filter=hospital),
        kitchen_hospital_on=Count("pk", filter=hospital & Exists(online)),
        floor_due=Count("pk"), floor_ok=Count("pk", filter=Q(level__in=FLOOR_LEVELS)),
    ))  # fmt: skip
    return out


def count_outcomes(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """This year's signed inspections by `as_of` and their outcomes; weekly and monthly series on request."""
    year = narrow_to(Inspection.objects.filter(inspected_on__gte=as_of.replace(month=1, day=1),
                                               inspected_on__lte=as_of), prefix)  # fmt: skip
    out: dict = {}
    absorb(out, grouping.sums(
        year, "region_id", "entity_id", insp_done=Count("pk"),
        insp_nonconform=Count("pk", filter=Q(outcome=Outcome.NONCONFORM)),
        insp_basic=Count("pk", filter=Q(outcome=Outcome.BASIC)),
    ))  # fmt: skip
    if series:
        absorb(out, periodic(grouping, narrow_to(Inspection.objects.all(), prefix), "region_id", "entity_id",
                             "inspected_on", as_of=as_of, name="insp"))  # fmt: skip
    return out


def open_orders(prefix: str, as_of: datetime.date):
    """Orders issued by the end of `as_of` and, at that moment (or now, if earlier), neither closed nor escalated."""
    instant = min(timezone.now(), day_end(as_of))
    qs = RectificationOrder.objects.filter(issued_at__lt=instant)
    qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=instant))
    qs = qs.filter(Q(escalated_at__isnull=True) | Q(escalated_at__gte=instant))
    return narrow_to(qs, prefix), instant


def count_orders(*, prefix: str, grouping, as_of: datetime.date) -> dict:
    """Rectification orders open and overdue at the end of `as_of`, and those escalated this year."""
    still_open, instant = open_orders(prefix, as_of)
    year_start = timezone.make_aware(datetime.datetime.combine(as_of.replace(month=1, day=1), datetime.time.min))
    escalated = RectificationOrder.objects.filter(escalated_at__gte=year_start, escalated_at__lt=instant)
    out: dict = {}
    absorb(out, grouping.sums(still_open, "region_id", "entity_id", orders_open=Count("pk"),
                              orders_overdue=Count("pk", filter=Q(due_at__lt=instant))))  # fmt: skip
    absorb(out, grouping.sums(narrow_to(escalated, prefix), "region_id", "entity_id", orders_escalated=Count("pk")))
    return out


def current_plans(year: int, as_of: datetime.date) -> list[int]:
    """The plan in force for each region in `year`: the newest made by the end of `as_of` (a new plan for a
    region replaces its earlier one)."""
    newest: dict[str, int] = {}
    rows = InspectionPlan.objects.filter(year=year, created_at__lt=day_end(as_of)).order_by("created_at", "pk")
    for region_id, pk in rows.values_list("region_id", "pk"):
        newest[region_id] = pk
    return list(newest.values())


def count_plan(*, prefix: str, grouping, as_of: datetime.date) -> dict:
    """Planned inspections of this year's months already over, and those whose entity had a signed inspection
    this year in that month or earlier."""
    if as_of.month == 1:
        return {}
    items = PlannedInspection.objects.filter(plan_id__in=current_plans(as_of.year, as_of), month__lt=as_of.month)
    done = Inspection.objects.filter(  # a date range first, so the (entity, inspected_on) index narrows the rows
        entity=OuterRef("entity"), inspected_on__gte=as_of.replace(month=1, day=1), inspected_on__lte=as_of,
        inspected_on__month__lte=OuterRef("month"),
    )  # fmt: skip
    out: dict = {}
    absorb(out, grouping.sums(narrow_to(items, prefix, "entity__region"), "entity__region_id", "entity_id",
                              plan_due=Count("pk"), plan_done=Count("pk", filter=Exists(done))))  # fmt: skip
    return out


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Every inspection part under `prefix` (the provider's `count`)."""
    out: dict = {}
    for family in (count_coverage, count_special, count_orders, count_plan):
        absorb(out, family(prefix=prefix, grouping=grouping, as_of=as_of))
    absorb(out, count_outcomes(prefix=prefix, grouping=grouping, as_of=as_of, series=series))
    return out


def overdue_orders(*, prefix: str, as_of: datetime.date, limit: int) -> tuple:
    """The rectification orders open past their deadline at the end of `as_of`, longest overdue first."""
    still_open, instant = open_orders(prefix, as_of)
    qs = still_open.filter(due_at__lt=instant)
    today = timezone.localdate(instant)
    rows = [
        (o.entity.name, o.region.name, o.number, timezone.localtime(o.due_at).date().isoformat(),
         (today - timezone.localtime(o.due_at).date()).days, o.get_status_display())
        for o in qs.select_related("entity", "region").order_by("due_at", "pk")[:limit]
    ]  # fmt: skip
    headers = (_("主体"), _("区划"), _("文书编号"), _("整改期限"), _("逾期天数"), _("状态"))
    return _("监督检查逾期未整改"), [str(h) for h in headers], rows, qs.count()


def _overview(code: str) -> str:
    return records_url("inspections:overview", code)


def _risk_link(code: str, key: str) -> str:
    return records_url("inspections:overview", code)


register(
    Provider(
        key="inspections",
        count=count,
        kpis=[
            Kpi("inspections.coverage", _("本年度检查覆盖率"), "%", ratio("insp_year", "insp_entities"),
                link=_overview, better="high",
                doc=_("在营主体中，本年度（截至统计日）至少有一次已签署监督检查记录的比例。")),
            Kpi("inspections.coverage_floor", _("全覆盖检查率"), "%", ratio("insp_floor", "insp_entities"),
                link=_overview, better="high",
                doc=_("在营主体中，近 N 年内（截至统计日）至少检查过一次的比例；N 为规则 inspections.coverage_years，"
                      "默认 2 年。")),
            Kpi("inspections.on_plan", _("计划按期完成率"), "%", ratio("plan_done", "plan_due"), link=_overview,
                better="high",
                doc=_("本年度检查计划中已过月份的计划检查，其主体在该月或本年度更早已有签署检查记录的比例。")),
            Kpi("inspections.done", _("本年度检查户次"), _("户次"), count_of("insp_done"), link=_overview,
                doc=_("本年度（截至统计日）已签署的监督检查记录数。")),
            Kpi("inspections.nonconform_rate", _("检查不符合率"), "%", ratio("insp_nonconform", "insp_done"),
                link=_overview, better="low", doc=_("本年度检查结果为“不符合”的检查记录 ÷ 本年度检查记录。")),
            Kpi("inspections.basic_rate", _("检查基本符合率"), "%", ratio("insp_basic", "insp_done"),
                link=_overview, better="low", doc=_("本年度检查结果为“基本符合”的检查记录 ÷ 本年度检查记录。")),
            Kpi("inspections.orders_open", _("整改中责令整改通知"), _("份"), count_of("orders_open"),
                link=_overview, doc=_("统计时刻已下达、尚未复查销号也未移送立案的责令整改通知数。")),
            Kpi("inspections.orders_overdue", _("检查整改逾期"), _("份"), count_of("orders_overdue"),
                link=_overview, better="low",
                doc=_("其中整改期限早于统计时刻（统计日结束或当前时刻，取早者）的份数。")),
            Kpi("inspections.orders_escalated", _("逾期移送立案"), _("份"), count_of("orders_escalated"),
                link=_overview, better="low", doc=_("本年度（截至统计时刻）逾期未整改而移送立案的责令整改通知数。")),
            Kpi("inspections.kitchen_school", _("学校养老食堂明厨亮灶覆盖率"), "%",
                ratio("kitchen_school_on", "kitchen_school"), link=_overview, better="high",
                doc=_("在营的学校、幼儿园、养老机构食堂中，已接入“互联网+明厨亮灶”且在线的比例；"
                      "目标为规则 inspections.kitchen_school_pct（默认 95%）。")),
            Kpi("inspections.kitchen_hospital", _("医院食堂明厨亮灶覆盖率"), "%",
                ratio("kitchen_hospital_on", "kitchen_hospital"), link=_overview, better="high",
                doc=_("在营的医疗机构食堂中，已接入“互联网+明厨亮灶”且在线的比例；"
                      "目标为规则 inspections.kitchen_hospital_pct（默认 70%）。")),
            Kpi("inspections.catering_floor", _("重点食堂量化等级良好以上率"), "%", ratio("floor_ok", "floor_due"),
                link=_overview, better="high",
                doc=_("在营的学校、幼儿园、养老机构、医疗机构食堂中，截至统计日最近一次检查的动态等级为优秀或良好的比例；"
                      "目标为规则 inspections.catering_floor_pct（默认 100%）。")),
        ],
        breakdowns=[
            Breakdown("risk", _("按风险等级"), "risk",
                      labels=lambda: {**dict(RiskBand.choices), UNGRADED: _("未评定")}, link=_risk_link),
        ],
        series=[Series("insp_w", _("每周监督检查次数"), "insp_w", "week"),
                Series("insp_m", _("每月监督检查次数"), "insp_m", "month")],
        overdue=overdue_orders,
    )
)  # fmt: skip
