# ruff: noqa: F811  (the `pw` fixture is imported from planning_world)
"""Yearly plans (docs/inspections.md §3): minimum per band in both scheme variants, the coverage floor, the
100 % targets and the health-food share, monthly spread and balance per inspector, shortfall named, the CLI
contract, and tasks made from the plan."""

import datetime
import io
import json
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from shian.accounts.models import Role
from shian.core.audit import AuditEntry
from shian.core.models import DeadlineRule
from shian.inspections.models import InspectionPlan, InspectionTask, PlannedInspection
from shian.inspections.services.planning import plan_year, tasks_from_plan

from .grading_world import band_of
from .planning_world import QIAOGUAN, inspected, pw  # noqa: F401

pytestmark = pytest.mark.django_db
YEAR = 2027


def items_of(plan, entity):
    return list(PlannedInspection.objects.filter(plan=plan, entity=entity).order_by("month"))


def test_each_band_gets_its_minimum_in_2016_and_ungraded_counts_as_b(pw):
    e = {band: pw.entity(grade=band) for band in "ABCD"}
    ungraded = pw.entity()
    for band in "ABCD":  # inspected last year: the coverage floor does not add anything
        inspected(e[band], datetime.date(YEAR - 1, 5, 1), pw.inspectors["baodu"][:2])
    plan = plan_year(region_code="370725", year=YEAR, variant="2016")
    assert [len(items_of(plan, e[b])) for b in "ABCD"] == [1, 1, 2, 3]
    assert len(items_of(plan, ungraded)) == 1
    assert plan.summary["by_band"] == {"A": 1, "B": 2, "C": 2, "D": 3}
    assert plan.summary["ungraded_as"] == "B"


def test_each_band_gets_its_minimum_in_2022(pw):
    e = {band: pw.entity(grade=band) for band in "BCD"}
    for entity in e.values():
        inspected(entity, datetime.date(YEAR - 1, 5, 1), pw.inspectors["baodu"][:2])
    plan = plan_year(region_code="370725", year=YEAR, variant="2022")
    assert [len(items_of(plan, e[b])) for b in "BCD"] == [1, 2, 3]
    assert plan.scheme.variant == "2022"


def test_2022_band_a_once_in_two_years(pw):
    fresh, stale = pw.entity(grade="A"), pw.entity(grade="A")
    inspected(fresh, datetime.date(YEAR - 1, 3, 1), pw.inspectors["baodu"][:2])
    inspected(stale, datetime.date(YEAR - 2, 3, 1), pw.inspectors["baodu"][:2])
    plan = plan_year(region_code="370725", year=YEAR, variant="2022")
    assert items_of(plan, fresh) == []
    assert len(items_of(plan, stale)) == 1


def test_coverage_floor_adds_one_inspection_to_the_long_uninspected(pw):
    fresh, old = pw.entity(grade="A"), pw.entity(grade="A")
    inspected(fresh, datetime.date(YEAR - 1, 3, 1), pw.inspectors["baodu"][:2])
    inspected(old, datetime.date(YEAR - 3, 3, 1), pw.inspectors["baodu"][:2])
    plan = plan_year(region_code="370725", year=YEAR, variant="2022")
    assert items_of(plan, fresh) == []
    assert [i.reason for i in items_of(plan, old)] == ["band"]  # the per-2-years A is due again


def test_special_food_producers_all_get_a_system_inspection(pw):
    infant = pw.entity(grade="A", sub_type="infant_formula", business_type="production")
    fsmp = pw.entity(grade="D", sub_type="fsmp", business_type="production")
    for e in (infant, fsmp):
        inspected(e, datetime.date(YEAR - 1, 3, 1), pw.inspectors["baodu"][:2])
    plan = plan_year(region_code="370725", year=YEAR, variant="2022")  # 2022: A would be skipped this year
    assert [i.reason for i in items_of(plan, infant)] == ["special_food"]
    assert sorted(i.reason for i in items_of(plan, fsmp)) == ["band", "band", "special_food"]


def test_school_canteens_are_inspected_in_a_term_start_month(pw):
    schools = [pw.entity(grade=g, sub_type=s) for g in "ABCD" for s in ("school_canteen", "kindergarten_canteen")]
    plan = plan_year(region_code="370725", year=YEAR)
    for school in schools:
        items = items_of(plan, school)
        term = [i for i in items if i.reason == "school_term"]
        assert len(term) == 1 and term[0].month in (2, 3, 9), (band_of(school), [(i.month, i.reason) for i in items])
        assert len({i.month for i in items}) == len(items)


def test_health_food_share_picks_the_longest_uninspected_first(pw):
    makers = [pw.entity(grade="A", sub_type="health_food", business_type="production") for _ in range(10)]
    for n, maker in enumerate(makers):  # makers[0] inspected longest ago
        inspected(maker, datetime.date(YEAR - 1, 1 + n, 1), pw.inspectors["baodu"][:2])
    plan = plan_year(region_code="370725", year=YEAR, variant="2022")
    picked = [m for m in makers if items_of(plan, m)]
    assert picked == makers[:2]  # 20 % of 10, oldest first
    assert {i.reason for m in picked for i in items_of(plan, m)} == {"health_food"}
    assert plan.summary["by_reason"]["health_food"] == 2


def test_months_are_spread_and_each_station_month_is_balanced_over_its_inspectors(pw):
    for _ in range(60):
        pw.entity(grade="B")
    d = pw.entity(grade="D")
    plan = plan_year(region_code="370725", year=YEAR)
    months = [i.month for i in items_of(plan, d)]
    assert len(set(months)) == 3 and max(months) - min(months) >= 6
    per_month = Counter(PlannedInspection.objects.filter(plan=plan).values_list("month", flat=True))
    assert max(per_month.values()) - min(per_month.values()) <= 3
    leads = Counter(PlannedInspection.objects.filter(plan=plan, month=1).values_list("inspector_id", flat=True))
    assert set(leads) <= {u.pk for u in pw.inspectors["baodu"]}
    assert max(leads.values()) - min(leads.values()) <= 1
    assert plan.shortfall == []


def test_a_station_month_over_capacity_is_named_and_its_items_kept(pw):
    DeadlineRule.objects.create(
        code="inspections.inspector_monthly_capacity",
        name="cap",
        unit="n",
        amount=2,
        region_prefix="370725",
        version=2,
        valid_from=datetime.date(2020, 1, 1),
    )
    for _ in range(24):
        pw.entity(region=QIAOGUAN, grade="B")  # 2 inspections a month at 乔官所: 2 people x 2 / 2 = 2 fit
    for _ in range(24):
        pw.entity(region=QIAOGUAN, grade="B")
    plan = plan_year(region_code="370725", year=YEAR)
    assert PlannedInspection.objects.filter(plan=plan).count() == 48
    short = [s for s in plan.shortfall if s["station"] == pw.qiaoguan.pk]
    assert short and all(s["station_name"] == "乔官市场监管所" for s in short)
    row = short[0]
    assert row["needed"] > row["capacity"] == 2
    assert row["missing_inspectors"] == -(-row["needed"] * 2 // 2) - 2
    blank = PlannedInspection.objects.filter(plan=plan, month=row["month"], inspector__isnull=True).count()
    assert blank == row["needed"] - row["capacity"]


def test_entities_of_no_station_are_a_shortfall_entry_not_dropped(pw):
    pw.entity(region="370304001", grade="C")
    plan = plan_year(region_code="37", year=YEAR)
    assert PlannedInspection.objects.filter(plan=plan, station__isnull=True).count() == 2
    entry = [s for s in plan.shortfall if s["station"] is None]
    assert entry and entry[0]["entities"] == 1 and entry[0]["needed"] == 2


def test_a_newer_plan_replaces_the_items_of_the_previous_one(pw):
    pw.entity(grade="B")
    first = plan_year(region_code="370725", year=YEAR)
    second = plan_year(region_code="370725", year=YEAR)
    first.refresh_from_db()
    assert first.summary["replaced_by"] == second.pk
    assert not PlannedInspection.objects.filter(plan=first).exists()
    assert PlannedInspection.objects.filter(plan=second).count() == 1


def test_only_county_administrators_and_above_plan_within_their_region(pw, make_user):
    pw.entity(grade="B")
    with pytest.raises(PermissionDenied):
        plan_year(actor=pw.inspectors["baodu"][0], region_code="370725", year=YEAR)
    outsider = make_user(Role.COUNTY_ADMIN, "370304")
    with pytest.raises(Exception, match="管辖范围"):
        plan_year(actor=outsider, region_code="370725", year=YEAR)
    plan = plan_year(actor=pw.county_admin, region_code="370725", year=YEAR)
    entry = AuditEntry.objects.get(action="plan.create")
    assert entry.object_id == str(plan.pk) and entry.actor == pw.county_admin


def test_plan_inspections_prints_the_json_contract_last(pw):
    pw.entity(grade="D")
    pw.entity(region="370304001")
    out = io.StringIO()
    call_command("plan_inspections", "--year", str(YEAR), "--json", stdout=out)
    last = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(last) == {"entities", "planned", "by_band", "shortfall", "seconds"}
    assert last["entities"] == 2 and last["planned"] == 4
    assert last["by_band"] == {"A": 0, "B": 1, "C": 0, "D": 3}
    assert any(s["station"] is None for s in last["shortfall"])


def test_tasks_from_plan_makes_the_months_tasks_once_with_two_station_inspectors(pw):
    for _ in range(12):
        pw.entity(grade="A")
    plan = plan_year(region_code="370725", year=YEAR)
    month = datetime.date(YEAR, 4, 15)
    expected = PlannedInspection.objects.filter(plan=plan, month=4).count()
    assert expected >= 1
    assert tasks_from_plan(region_code="370725", month=month) == expected
    assert tasks_from_plan(region_code="370725", month=month) == 0
    station_people = {u.pk for u in pw.inspectors["baodu"]}
    for task in InspectionTask.objects.filter(kind="routine"):
        crew = list(task.inspectors.values_list("pk", flat=True))
        assert len(crew) == 2 and set(crew) <= station_people and task.planned.inspector_id == crew[0]
        assert task.due_on.month == 4 and task.due_on.weekday() < 5
    assert InspectionPlan.objects.count() == 1


def test_the_nightly_job_makes_the_current_months_tasks_from_the_plans(pw):
    from django.utils import timezone

    from shian.core.schedule import job

    for _ in range(12):
        pw.entity(grade="A")
    today = timezone.localdate()
    plan_year(region_code="370725", year=today.year)
    registered = job("inspections.tasks_from_plan")
    now = timezone.now()
    expected = PlannedInspection.objects.filter(month=today.month).count()
    assert registered.run(now).endswith(f"created={expected}")
    assert registered.run(now).endswith("created=0")
