"""Yearly inspection plans and the routine tasks they produce (docs/inspections.md §3).

`plan_year` computes, for every operating entity of a region, how many inspections the year needs and why:

- the minimum of its risk band per the scheme's `frequency` (an ungraded entity counts as band B); a band whose
  frequency is "per 2 years" (the 2022 variant's A) is planned only when the entity was not inspected in the
  year before;
- the coverage floor: an entity not inspected in the `inspections.coverage_years` - 1 years before the plan
  year gets at least one;
- the targets: infant-formula and FSMP producers (`inspections.special_food_share_pct`), school and
  kindergarten canteens in a term-start month (`inspections.school_term_share_pct`), health-food producers
  (`inspections.health_food_share_pct`, longest uninspected first) get at least one inspection marked as such.

Each entity's inspections are spread evenly over the months; each station-month is balanced over the station's
inspectors (a lead per inspection, every inspection needs `inspections.min_inspectors` people, each person
carries `inspections.inspector_monthly_capacity` a month). Items beyond capacity are kept without a lead and the
station-month is named in the shortfall; entities of no station are a shortfall entry of their own.
"""

import datetime
import math
import time
from collections import Counter, defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.core import audit, rules
from shian.core.bulk import insert_many, insert_rows
from shian.core.jurisdiction import region_under, require_in_scope
from shian.core.workdays import is_working_day
from shian.entities.models import Entity
from shian.regions.models import Region

from .. import priority
from ..models import Inspection, InspectionPlan, InspectionTask, PlannedInspection, Station, current_grade
from ..ruledefs import (
    COVERAGE_YEARS,
    HEALTH_FOOD_SHARE,
    INSPECTOR_MONTHLY,
    MIN_INSPECTORS,
    SCHOOL_TERM_SHARE,
    SPECIAL_FOOD_SHARE,
)
from ..selectors.planning import current_plans, scheme_for
from ..selectors.stations import station_map, station_of
from .stations import STATION_KEEPERS

UNGRADED_BAND = "B"  # docs/inspections.md §3: an entity not yet graded is planned as band B
TERM_MONTHS = (2, 3, 9)  # spring term starts in February or March, autumn term in September
REASONS = {
    "special_food": gettext_lazy("婴幼儿配方、特医食品体系检查"),
    "school_term": gettext_lazy("学校（幼儿园）食堂开学季检查"),
    "health_food": gettext_lazy("保健食品生产企业抽查比例"),
    "band": gettext_lazy("风险等级最低频次"),
    "coverage": gettext_lazy("全覆盖（多年未检查）"),
}
REASON_ORDER = {code: n for n, code in enumerate(REASONS)}
TARGETS = [  # (reason, sub-types, share rule)
    ("special_food", ("infant_formula", "fsmp"), SPECIAL_FOOD_SHARE),
    ("school_term", ("school_canteen", "kindergarten_canteen"), SCHOOL_TERM_SHARE),
    ("health_food", ("health_food",), HEALTH_FOOD_SHARE),
]
BAND_RANK = {"D": 0, "C": 1, "B": 2, "A": 3}


def _months(entity_id: int, n: int) -> list[int]:
    """n months spread evenly over the year, offset by the entity so a station's load is even too."""
    if n <= 0:
        return []
    step = 12 / n
    start = entity_id % max(1, 12 // n)
    return [int(start + k * step) % 12 + 1 for k in range(n)]


def _pick_share(members: list[tuple[int, datetime.date | None]], pct: int) -> set[int]:
    """`pct` % of the members (rounded up), those longest uninspected (never first) first."""
    k = min(len(members), math.ceil(len(members) * pct / 100))
    ordered = sorted(members, key=lambda m: (m[1] or datetime.date.min, m[0]))
    return {eid for eid, _last in ordered[:k]}


def _station_inspectors(station_ids) -> dict[int, list[int]]:
    rows = (
        Station.inspectors.through.objects.filter(station_id__in=station_ids, user__is_active=True)
        .order_by("station_id", "user_id")
        .values_list("station_id", "user_id")
    )
    out: dict[int, list[int]] = defaultdict(list)
    for sid, uid in rows:
        out[sid].append(uid)
    return out


def entity_needs(*, region_code: str, year: int, scheme) -> dict:
    """Per operating entity under `region_code`: its band, station, and the reasons of its inspections this
    year (one reason per inspection). Returns {"entities": [(id, band, station, [reasons])], ...}."""
    frequency = scheme.frequency if scheme else {}
    coverage = rules.value(COVERAGE_YEARS.code, region_code)
    entities = list(
        Entity.objects.filter(region_under(Entity, "region", region_code), status=Entity.Status.OPERATING)
        .annotate(grade=current_grade())
        .order_by("id")
        .values_list("id", "region_id", "grade__band", "sub_type")
    )
    last = dict(
        Inspection.objects.filter(region_under(Inspection, "region", region_code),
                                  inspected_on__lt=datetime.date(year, 1, 1))
        .order_by()
        .values("entity_id")
        .annotate(last=Max("inspected_on"))
        .values_list("entity_id", "last")
    )  # fmt: skip
    picked: dict[int, str] = {}
    for reason, sub_types, rule in TARGETS:
        members = [(eid, last.get(eid)) for eid, _r, _g, sub in entities if sub in sub_types]
        for eid in _pick_share(members, rules.value(rule.code, region_code)):
            picked.setdefault(eid, reason)
    mapping = station_map()
    stations: dict[str, int | None] = {}
    out = []
    for eid, region_id, grade, _sub in entities:
        band = grade if grade in BAND_RANK else UNGRADED_BAND
        freq = frequency.get(band) or {"min": 1, "per_years": 1}
        last_year = last[eid].year if eid in last else None
        per_years = int(freq.get("per_years", 1) or 1)
        n = int(freq.get("min", 1))
        if per_years > 1 and last_year is not None and last_year > year - per_years:
            n = 0
        reasons = ["band"] * n
        if not reasons and (last_year is None or last_year <= year - coverage):
            reasons = ["coverage"]
        target = picked.get(eid)
        if target:
            reasons = [target] + reasons[1:]
        if region_id not in stations:
            stations[region_id] = station_of(region_id, mapping)
        out.append((eid, band, stations[region_id], reasons))
    return {"entities": out}


def _lay_out(eid: int, reasons: list[str]) -> list[tuple[int, str]]:
    months = _months(eid, len(reasons))
    if "school_term" in reasons:
        i = reasons.index("school_term")
        terms = [m for m in months if m in TERM_MONTHS]
        if terms:
            j = months.index(terms[0])
            reasons[i], reasons[j] = reasons[j], reasons[i]
        else:
            free = [m for m in TERM_MONTHS if m not in months]
            months[i] = free[eid % len(free)]
    return list(zip(months, reasons, strict=True))


def _require_planner(actor, region_code: str) -> None:
    if actor is None:
        return
    if not (actor.is_superuser or actor.role in STATION_KEEPERS):
        raise PermissionDenied(_("只有县级及以上管理员可以制定年度检查计划。"))
    require_in_scope(actor, region_code)


def plan_year(*, actor=None, region_code: str, year: int, variant: str | None = None) -> InspectionPlan:
    """Plan `year` for `region_code` (docs/inspections.md §3). A newer plan for the same region and year replaces
    the previous one: the old plan's items are deleted (tasks already made from them stay, unlinked) and its row
    is kept, its summary naming the plan that replaced it."""
    started = time.monotonic()
    _require_planner(actor, region_code)
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None:
        raise ValidationError({"region": [_("区划 %(code)s 不存在。") % {"code": region_code}]})
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("年度无效：%(year)s。") % {"year": year}]})
    scheme = scheme_for(region_code, datetime.date(year, 1, 1), variant)
    needs = entity_needs(region_code=region_code, year=year, scheme=scheme)["entities"]
    min_insp = rules.value(MIN_INSPECTORS.code, region_code)
    capacity = rules.value(INSPECTOR_MONTHLY.code, region_code)

    groups: dict[tuple, list] = defaultdict(list)  # (station, month) -> [(reason, band, -weight, entity, reason)]
    by_band, by_reason = Counter(), Counter()
    unstationed = {"entities": 0, "planned": 0}
    weight = priority.weights([eid for eid, _b, _s, reasons in needs if reasons])
    for eid, band, sid, reasons in needs:
        if sid is None and reasons:
            unstationed["entities"] += 1
            unstationed["planned"] += len(reasons)
        for month, reason in _lay_out(eid, reasons):
            by_band[band] += 1
            by_reason[reason] += 1
            groups[(sid, month)].append((REASON_ORDER[reason], BAND_RANK[band], -weight.get(eid, 0.0), eid, reason))

    station_ids = {sid for sid, _m in groups if sid is not None}
    names = dict(Station.objects.filter(pk__in=station_ids).values_list("pk", "name"))
    inspectors = _station_inspectors(station_ids)
    shortfall = []
    rows: list[tuple] = []  # (entity, station, month, lead, reason)
    for (sid, month), items in sorted(groups.items(), key=lambda g: (g[0][0] is None, g[0][0] or 0, g[0][1])):
        items.sort()
        people = inspectors.get(sid, []) if sid is not None else []
        can = len(people) * capacity // min_insp if len(people) >= min_insp else 0
        for n, (_p, _b, _w, eid, reason) in enumerate(items):
            lead = people[n % len(people)] if n < can else None
            rows.append((eid, sid, month, lead, reason))
        if sid is not None and len(items) > can:
            missing = max(min_insp - len(people), math.ceil(len(items) * min_insp / capacity) - len(people))
            shortfall.append({"station": sid, "station_name": names.get(sid, ""), "month": month,
                              "needed": len(items), "capacity": can, "missing_inspectors": missing})  # fmt: skip
    if unstationed["entities"]:
        shortfall.append({"station": None, "station_name": "", "month": None, "needed": unstationed["planned"],
                          "capacity": 0, "missing_inspectors": None, "entities": unstationed["entities"],
                          "note": _("主体所在乡镇（街道）未划入任何市场监管所")})  # fmt: skip

    summary = {
        "entities": len(needs),
        "planned": len(rows),
        "by_band": {b: by_band.get(b, 0) for b in ("A", "B", "C", "D")},
        "by_reason": {r: by_reason.get(r, 0) for r in REASONS},
        "ungraded_as": UNGRADED_BAND,
        "min_inspectors": min_insp,
        "capacity": capacity,
    }
    with transaction.atomic():
        old = list(InspectionPlan.objects.select_for_update().filter(region_id=region_code, year=year))
        plan = InspectionPlan.objects.create(region=region, year=year, scheme=scheme, summary=summary,
                                             shortfall=shortfall, created_by=actor)  # fmt: skip
        insert_rows(PlannedInspection, ["plan_id", "entity_id", "station_id", "month", "inspector_id", "reason"],
                    [(plan.pk, *row) for row in rows])  # fmt: skip
        if old:
            old_ids = [p.pk for p in old]
            InspectionTask.objects.filter(planned__plan_id__in=old_ids).update(planned=None)
            PlannedInspection.objects.filter(plan_id__in=old_ids)._raw_delete(connection.alias)
            for p in old:
                p.summary = {**p.summary, "replaced_by": plan.pk}
                p.save(update_fields=["summary"])
        summary["seconds"] = round(time.monotonic() - started, 2)
        plan.summary = summary
        plan.save(update_fields=["summary"])
        audit.record(actor=actor, action="plan.create", obj=plan, region_code=region_code,
                     after={"year": year, "scheme": scheme.pk if scheme else None, **{k: summary[k] for k in
                            ("entities", "planned", "by_band")}, "shortfall": len(shortfall),
                            "replaces": [p.pk for p in old]})  # fmt: skip
    return plan


def _last_working_day(year: int, month: int) -> datetime.date:
    day = (datetime.date(year + month // 12, month % 12 + 1, 1)) - datetime.timedelta(days=1)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def tasks_from_plan(*, region_code: str, month: datetime.date, actor=None) -> int:
    """Create the routine tasks of `month` (any day of it) from the current plans under `region_code`: one
    InspectionTask per planned item, its lead and the next inspectors of the station (to
    `inspections.min_inspectors` people), due on the month's last working day. Idempotent: an entity that
    already has a routine task due that month gets none. Returns how many were created."""
    first = month.replace(day=1)
    due = _last_working_day(first.year, first.month)
    plans = current_plans(region_code, first.year)
    items = list(
        PlannedInspection.objects.filter(plan_id__in=plans, month=first.month)
        .filter(region_under(PlannedInspection, "entity__region", region_code))
        .order_by("id")
        .values_list("id", "entity_id", "entity__region_id", "station_id", "inspector_id")
    )
    if not items:
        return 0
    month_end = (first + datetime.timedelta(days=32)).replace(day=1)
    have = set(
        InspectionTask.objects.filter(kind=InspectionTask.Kind.ROUTINE, entity_id__in=[i[1] for i in items],
                                      due_on__gte=first, due_on__lt=month_end)
        .exclude(status=InspectionTask.Status.CANCELLED)
        .values_list("entity_id", flat=True)
    )  # fmt: skip
    people = _station_inspectors({i[3] for i in items if i[3]})
    min_insp = rules.value(MIN_INSPECTORS.code, region_code)
    tasks, crews = [], []
    for pk, eid, region_id, sid, lead in items:
        if eid in have:
            continue
        have.add(eid)
        crew = []
        if lead:
            others = [u for u in people.get(sid, []) if u != lead]
            start = pk % len(others) if others else 0
            crew = [lead] + (others[start:] + others[:start])[: min_insp - 1]
        tasks.append(InspectionTask(entity_id=eid, region_id=region_id, station_id=sid, due_on=due, planned_id=pk,
                                    kind=InspectionTask.Kind.ROUTINE, created_by=actor,
                                    note="" if crew else _("人力缺口：待指派执法人员")))  # fmt: skip
        crews.append(crew)
    with transaction.atomic():
        insert_many(InspectionTask, tasks)
        through = InspectionTask.inspectors.through
        through.objects.bulk_create(
            [through(inspectiontask_id=t.pk, user_id=u) for t, crew in zip(tasks, crews, strict=True) for u in crew],
            batch_size=5000,
        )
        if tasks:
            audit.record(actor=actor, action="plan.tasks", object_type="inspections.inspectiontask",
                         object_repr=f"{first:%Y-%m} {len(tasks)}", region_code=region_code,
                         after={"month": f"{first:%Y-%m}", "created": len(tasks)})  # fmt: skip
    return len(tasks)
