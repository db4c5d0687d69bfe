"""Every registered KPI against a count made here, straight from the records of the world (tests/dashboard/conftest).

`expected()` restates each figure's definition (its `doc`) over plain rows read with the ORM; it never calls a
provider. The county, each township, each village (per entity) and an earlier day are compared with it.
"""

import datetime
import statistics
from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from shian.baobao.models import Commitment, Guarantee
from shian.core import kpis as registry
from shian.core.periods import previous_quarter, quarter_bounds, quarter_of
from shian.dashboard import selectors
from shian.duties.models import DailyCheck
from shian.entities.models import Entity, License, baobao_grade
from shian.visits.models import Problem, Visit

from .conftest import COUNTY, MONDAY, T1, T2, TODAY, V1, V2, day

KPI_KEYS = {
    "entities.total", "entities.lic_expiring",
    "baobao.assigned_rate", "baobao.unassigned", "baobao.confirmed_rate",
    "visits.quarter_rate", "visits.overdue",
    "problems.found", "problems.closed", "problems.overdue", "problems.close_rate", "problems.median_days",
    "duties.daily_rate",
}  # fmt: skip
# figures of modules with no rows in this world, checked against their own worlds (tests/inspections/test_kpis_*)
ELSEWHERE = {
    "inspections.coverage", "inspections.coverage_floor", "inspections.on_plan", "inspections.done",
    "inspections.nonconform_rate", "inspections.basic_rate", "inspections.orders_open", "inspections.orders_overdue",
    "inspections.orders_escalated", "inspections.kitchen_school", "inspections.kitchen_hospital",
    "inspections.catering_floor",
    "sampling.plan_completion", "sampling.samples", "sampling.pass_rate", "sampling.failed", "sampling.disposal_rate",
    "sampling.disposal_on_time", "sampling.producer_coverage", "sampling.published", "sampling.rapid_station_coverage",
    "sampling.rapid_rooms", "sampling.rapid_tests_month", "sampling.rapid_positive_month",
    # emergency (tests/emergency/test_pages_api.py)
    "emergency.incidents", "emergency.first_report_on_time", "emergency.veto_incidents", "emergency.feedback_on_time",
    "emergency.trainings", "emergency.drills", "emergency.live_drills",
    "complaints.received", "complaints.accept_on_time", "complaints.closed_on_time", "complaints.report_on_time",
    "complaints.platform_share", "complaints.overdue",
    "cases.filed", "cases.decided", "cases.closed", "cases.on_time", "cases.filed_rate", "cases.overdue",
    "cases.supervised",
    # issue 22 (tests/lists, tests/notices, tests/credit)
    "lists.editions_month", "lists.dishonesty_listed", "lists.joint_flags_open",
    "notices.issued", "notices.on_time", "notices.overdue", "notices.escalated",
    "credit.insured_priority", "credit.insured_meat", "credit.insured_egg", "credit.insured_milk",
    "credit.insured_baijiu", "credit.insured_school", "credit.insured_rural_dinner", "credit.insured_group_meal",
    "credit.insured_central_kitchen",
    # issue 26 smart markets (tests/markets/test_selectors_kpis.py)
    "markets.posted", "markets.posted_rate", "markets.stalls_tested", "markets.failure_rate",
    # issue 26 (tests/trace/test_services.py)
    "trace.recalls", "trace.recall_completion", "trace.recall_confirmation", "trace.recalls_overdue",
    # issue 26 rural dinners and foodborne reports (tests/dinners, tests/foodborne)
    "dinners.reported", "dinners.insured_rate", "dinners.guidance_rate", "dinners.chef_cert_expiring",
    "foodborne.cases", "foodborne.clusters",
    # issue 23 surveys (tests/surveys/test_surveys.py: the weighted mean against a hand-computed case)
    "surveys.satisfaction", "surveys.awareness",
    # issue 23 indicators (52/53/72): staffing, training hours, knowledge tests (tests/evaluation/test_indicators.py)
    "duties.staffed_rate", "duties.trained_rate", "knowledge.pass_rate",
    # issue 24 warnings (tests/warnings/test_kpis.py)
    "warnings.open", "warnings.open_red", "warnings.overdue", "warnings.closed_on_time", "warnings.raised_month",
}  # fmt: skip


def checked_kpis():
    """The registered KPIs that `expected()` restates."""
    return [k for k in registry.kpis() if k.key in KPI_KEYS]


def pct(done: int, due: int):
    return round(100 * done / due, 1) if due else None


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def expected(prefix: str, as_of: datetime.date, depth: int | None) -> dict[str, dict]:
    """{group: {kpi key: value}} for groups under `prefix`: `depth` digits of the region code, or per entity."""
    now = timezone.now()
    instant = min(now, timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1),
                                                                     datetime.time.min)))  # fmt: skip
    counts: dict[str, Counter] = defaultdict(Counter)
    days_closed: dict[str, list[int]] = defaultdict(list)

    def group(region_code: str, entity_id: int) -> str | None:
        if not region_code.startswith(prefix):
            return None
        return str(entity_id) if depth is None else region_code[:depth]

    def on_register(entity: Entity, on: datetime.date) -> bool:
        return entity.status != Entity.Status.DEREGISTERED and local_day(entity.created_at) <= on

    entities = {e.pk: e for e in Entity.objects.all()}
    for e in entities.values():
        g = group(e.region_id, e.pk)
        if g is None:
            continue
        counts[g]["entities"] += on_register(e, as_of)
        counts[g]["operating"] += e.status == Entity.Status.OPERATING and local_day(e.created_at) <= as_of
    for lic in License.objects.all():
        e = entities[lic.entity_id]
        g = group(e.region_id, e.pk)
        if g and on_register(e, as_of) and lic.expires_on and as_of <= lic.expires_on <= as_of + datetime.timedelta(30):
            counts[g]["lic"] += 1

    quarter, last = quarter_of(as_of), previous_quarter(quarter_of(as_of))
    last_end = quarter_bounds(last)[1]
    visits = list(Visit.objects.all())
    confirmed_cadres = {
        c.cadre_id for c in Commitment.objects.filter(year=as_of.year) if local_day(c.confirmed_at) <= as_of
    }
    for gu in Guarantee.objects.all():
        e = entities[gu.entity_id]
        g = group(e.region_id, e.pk)
        if g is None:
            continue
        if on_register(e, as_of) and gu.since <= as_of:
            counts[g]["guaranteed"] += 1
            counts[g]["confirmed"] += gu.cadre_id in confirmed_cadres
            counts[g]["visited"] += any(
                v.entity_id == e.pk and v.quarter == quarter and v.visited_on <= as_of for v in visits
            )
        if on_register(e, last_end) and gu.since <= last_end:
            counts[g]["missed"] += not any(v.entity_id == e.pk and v.quarter == last for v in visits)

    for p in Problem.objects.all():
        g = group(p.region_id, p.entity_id)
        if g is None or p.found_on > as_of:
            continue
        counts[g]["found"] += 1
        if p.closed_at and p.closed_at < instant:
            counts[g]["closed"] += 1
            days_closed[g].append((local_day(p.closed_at) - p.found_on).days)
        if p.due_at < instant and (p.closed_at is None or p.closed_at >= instant):
            counts[g]["overdue"] += 1

    monday = as_of - datetime.timedelta(days=as_of.weekday())
    for check in DailyCheck.objects.filter(day__gte=monday, day__lte=as_of):
        g = group(check.region_id, check.entity_id)
        if g:
            counts[g]["checks"] += 1
    days = (as_of - monday).days + 1

    def values(c: Counter, closed_days: list[int]) -> dict:
        return {
            "entities.total": c["entities"],
            "entities.lic_expiring": c["lic"],
            "baobao.assigned_rate": pct(c["guaranteed"], c["entities"]),
            "baobao.unassigned": max(c["entities"] - c["guaranteed"], 0),
            "baobao.confirmed_rate": pct(c["confirmed"], c["guaranteed"]),
            "visits.quarter_rate": pct(c["visited"], c["guaranteed"]),
            "visits.overdue": c["missed"],
            "problems.found": c["found"],
            "problems.closed": c["closed"],
            "problems.overdue": c["overdue"],
            "problems.close_rate": pct(c["closed"], c["found"]),
            "problems.median_days": float(statistics.median(closed_days)) if closed_days else None,
            "duties.daily_rate": pct(c["checks"], c["operating"] * days),
        }

    out = {g: values(c, days_closed[g]) for g, c in counts.items() if +c}
    out[""] = values(sum(counts.values(), Counter()), [d for ds in days_closed.values() for d in ds])
    return out


def test_registry_holds_every_provider_kpi():
    assert {k.key for k in registry.kpis()} == KPI_KEYS | ELSEWHERE
    assert {p.key for p in registry.providers()} >= {"entities", "baobao", "visits", "problems", "duties"}
    assert len(registry.kpis()) == len(KPI_KEYS | ELSEWHERE)  # no key registered twice


def test_county_figures_match_the_records(world):
    fig = selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert fig.live and fig.code == COUNTY and fig.as_of == TODAY
    got = selectors.values(fig.total)
    want = expected(COUNTY, TODAY, 9)[""]
    for kpi in checked_kpis():
        assert got[kpi.key] == want[kpi.key], kpi.key
    # the world was built for these numbers: the independent count must not be trivially empty
    assert want == {
        "entities.total": 10, "entities.lic_expiring": 4,
        "baobao.assigned_rate": 60.0, "baobao.unassigned": 4, "baobao.confirmed_rate": 50.0,
        "visits.quarter_rate": 83.3, "visits.overdue": 1,
        "problems.found": 7, "problems.closed": 4, "problems.overdue": 2, "problems.close_rate": 57.1,
        "problems.median_days": 7.0, "duties.daily_rate": 37.5,  # 9 checks of 8 operating × 3 days
    }  # fmt: skip


def test_township_rows_match_the_records(world):
    table = selectors.rows(selectors.figures(user=world.county_admin, region_code=COUNTY))
    want = expected(COUNTY, TODAY, 9)
    assert [r["code"] for r in table] == [T1, T2]
    assert [r["name"] for r in table] == ["宝都街道", "乔官镇"]
    for row in table:
        assert not row["direct"]
        for kpi in checked_kpis():
            assert row["values"][kpi.key] == want[row["code"]][kpi.key], (row["code"], kpi.key)
    # the townships add up to the county
    county = selectors.values(registry.total(r["parts"] for r in table))
    assert county == selectors.values(selectors.figures(user=world.county_admin, region_code=COUNTY).total)


def test_township_page_has_villages_and_the_directly_registered(world):
    table = selectors.rows(selectors.figures(user=world.county_admin, region_code=T2))
    want = expected(T2, TODAY, 12)
    assert [(r["code"], r["direct"]) for r in table] == [(T2, True), (V2, False)]
    assert table[0]["name"] == "（本级直属）" and table[1]["name"] == "乔官村"
    for row in table:
        for kpi in checked_kpis():
            assert row["values"][kpi.key] == want[row["code"]][kpi.key], (row["code"], kpi.key)


@pytest.mark.parametrize("village", [V1, V2])
def test_village_rows_are_entities(world, village):
    table = selectors.rows(selectors.figures(user=world.county_admin, region_code=village))
    want = expected(village, TODAY, None)
    names = dict(Entity.objects.filter(region_id=village).values_list("pk", "name"))
    assert {r["code"] for r in table} == set(want) - {""}
    assert {r["code"] for r in table} <= {str(pk) for pk in names}
    for row in table:
        assert row["name"] == names[int(row["code"])] and not row["direct"]
        for kpi in checked_kpis():
            assert row["values"][kpi.key] == want[row["code"]][kpi.key], (row["code"], kpi.key)
    if village == V1:  # the deregistered entity has nothing counted, so no row; the one registered today has
        assert str(world.e["e5"].pk) not in {r["code"] for r in table}
        assert str(world.e["e6"].pk) in {r["code"] for r in table}


def test_earlier_day_excludes_later_records(world):
    earlier = day("2026-11-10")
    fig = selectors.figures(user=world.county_admin, region_code=COUNTY, as_of=earlier)
    assert fig.live and fig.as_of == earlier
    got = selectors.values(fig.total)
    want = expected(COUNTY, earlier, 9)[""]
    for kpi in checked_kpis():
        assert got[kpi.key] == want[kpi.key], kpi.key
    today = selectors.values(selectors.figures(user=world.county_admin, region_code=COUNTY).total)
    later_problems = Problem.objects.filter(region__code__startswith=COUNTY, found_on__gt=earlier).count()
    assert later_problems == 2
    assert got["problems.found"] == today["problems.found"] - later_problems
    assert got["entities.total"] == today["entities.total"] - 1  # 新开面馆 registered today
    # 乔官食品厂's problem was still open and past due on 11-10; 李镇干 confirmed the 承诺书 on 11-20
    assert got["problems.overdue"] == 2 and got["problems.closed"] == 3
    assert got["baobao.confirmed_rate"] == 33.3
    assert got["visits.quarter_rate"] == 50.0  # 3 of 6 visited by 11-10
    for township, vals in ((r["code"], r["values"]) for r in selectors.rows(fig)):
        for kpi in checked_kpis():
            assert vals[kpi.key] == expected(COUNTY, earlier, 9)[township][kpi.key], (township, kpi.key)


def test_ratio_is_none_when_nothing_is_due():
    rate = registry.ratio("done", "due")
    assert rate({}) is None and rate({"done": 3}) is None and rate({"due": 0, "done": 0}) is None
    assert rate({"due": 3, "done": 1}) == 33.3 and rate({"due": 4}) == 0.0


def test_ratio_none_on_an_area_with_nothing_due(world):
    """乔官小卖部 has no guarantee: its 包保 and supervision rates are "—", not 0 % or 100 %."""
    row = next(
        r for r in selectors.rows(selectors.figures(user=world.county_admin, region_code=V2))
        if r["code"] == str(world.e["e11"].pk)
    )  # fmt: skip
    assert row["values"]["baobao.assigned_rate"] == 0.0
    assert row["values"]["baobao.confirmed_rate"] is None and row["values"]["visits.quarter_rate"] is None
    assert row["values"]["problems.close_rate"] is None and row["values"]["problems.median_days"] is None


@pytest.mark.parametrize(
    "histogram, median",
    [
        ({}, None),
        ({"d:5": 1}, 5),
        ({"d:1": 1, "d:3": 1}, 2),
        ({"d:2": 1, "d:4": 1, "d:10": 1, "d:46": 1}, 7),
        ({"d:0": 3, "d:9": 1}, 0),
        ({"d:1": 2, "d:2": 2, "d:100": 1}, 2),
        ({"d:10": 1, "d:9": 2, "other:1": 50}, 9),  # ordered by value, not by key text; other parts ignored
    ],
)
def test_median_of_a_histogram(histogram, median):
    assert registry.median_of("d")(histogram) == median
    if histogram:
        flat = [int(k.split(":")[1]) for k, n in histogram.items() if k.startswith("d:") for _ in range(n)]
        assert registry.median_of("d")(histogram) == statistics.median(flat)


def test_breakdowns_count_grades_and_types(world):
    fig = selectors.figures(user=world.county_admin, region_code=COUNTY)
    by_key = {b["key"]: {i["key"]: i["n"] for i in b["items"]} for b in selectors.breakdowns(fig)}
    on_register = Entity.objects.filter(region__code__startswith=COUNTY).exclude(status=Entity.Status.DEREGISTERED)
    assert by_key["grade"] == dict(Counter(e.g or "-" for e in on_register.annotate(g=baobao_grade())))
    assert by_key["type"] == dict(Counter(e.business_type for e in on_register))
    assert by_key["grade"] == {"A": 2, "B": 3, "C": 2, "D": 1, "-": 2}
    grade = next(b for b in selectors.breakdowns(fig) if b["key"] == "grade")
    assert [i["n"] for i in grade["items"]] == sorted((i["n"] for i in grade["items"]), reverse=True)
    assert grade["items"][0]["share"] == 100
    ungraded = next(i for i in grade["items"] if i["key"] == "-")
    assert ungraded["label"] == "未分级" and "region=370725" in ungraded["url"]


def test_weekly_visit_series_matches_the_visits(world):
    fig = selectors.figures(user=world.county_admin, region_code=COUNTY, series=True)
    series = {s["key"]: s for s in selectors.series(fig)}
    assert {"visits_w", "visits_m", "found_w", "closed_w", "reports_w"} <= set(series)
    weekly = series["visits_w"]
    assert len(weekly["periods"]) == registry.SERIES_LENGTH and weekly["periods"][-1] == MONDAY.isoformat()
    for start, n in zip(weekly["periods"], weekly["values"], strict=True):
        monday = day(start)
        assert monday.weekday() == 0
        direct = Visit.objects.filter(
            region__code__startswith=COUNTY,
            visited_on__gte=monday,
            visited_on__lte=min(monday + datetime.timedelta(6), TODAY),
        ).count()
        assert n == direct, start
    assert (
        sum(weekly["values"])
        == Visit.objects.filter(region__code__startswith=COUNTY, visited_on__gte=day(weekly["periods"][0])).count()
    )
    assert weekly["values"][-1] == 2  # 宝都饭店 on Tuesday, 乔官农贸市场 today (博山 not counted)
    monthly = series["visits_m"]
    assert monthly["periods"][-1] == "2026-11-01"
    assert (
        monthly["values"][-1]
        == Visit.objects.filter(region__code__startswith=COUNTY, visited_on__gte=day("2026-11-01")).count()
    )
    reports = series["reports_w"]
    assert reports["values"][-2:] == [2, 1]  # week of 11-16: 宝都饭店 and 乔官饭店; this week: 宝都饭店


def test_figures_without_series_carry_no_series_parts(world):
    fig = selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert not any(":" in name for name in fig.total if name.split(":")[0].endswith(("_w", "_m")))
    assert all(v == 0 for s in selectors.series(fig) for v in s["values"])


def test_daily_rate_on_an_earlier_day_ignores_entities_registered_later(world):
    world.builder.entity("今日新开超市", V2, "sales", "C", registered=None)  # operating, registered today
    earlier = day("2026-11-24")
    got = selectors.values(selectors.figures(user=world.county_admin, region_code=COUNTY, as_of=earlier).total)
    assert got["duties.daily_rate"] == expected(COUNTY, earlier, 9)[""]["duties.daily_rate"] == 37.5


def test_daily_rate_counts_only_operating_entities_checks(world):
    world.builder.daily(world.e["e4"], "2026-11-24")  # 站前小吃 is suspended
    got = selectors.values(selectors.figures(user=world.county_admin, region_code=COUNTY).total)
    assert got["duties.daily_rate"] == 37.5
