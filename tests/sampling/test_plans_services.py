"""Yearly sampling plans (docs/sampling.md §2): residents from the region tree, batches by the rate, the split by
kind, category, township and month with exact totals and nothing left out, tasks per station, re-planning, and
the population a county administrator keeps."""

import io
import json
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.entities.models import Entity
from shian.regions.models import Region
from shian.regions.services import set_population
from shian.sampling.defaults import CATEGORIES
from shian.sampling.models import PlanLine, SamplingPlan, SamplingTask
from shian.sampling.selectors.plans import residents
from shian.sampling.services.plans import apportion, plan_sampling, split

from .samples_setup import sample_values, station_world_fixture  # noqa: F401

TOWNS = {"370725001": 300_000, "370725107": 194_000}


@pytest.fixture
def peopled(regions):
    for code, n in TOWNS.items():
        Region.objects.filter(code=code).update(population=n)
    return regions


def _rows():
    return CATEGORIES


# -- apportionment ---------------------------------------------------------------------------------------------


def test_apportion_gives_exact_totals_by_weight_with_largest_remainders():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(100, [50, 30, 20]) == [50, 30, 20]
    assert sum(apportion(997, [3.3, 2.2, 1.1, 0.4])) == 997


def test_apportion_gives_every_member_one_before_any_gets_more():
    assert apportion(4, [1000, 1, 1, 1]) == [1, 1, 1, 1]
    out = apportion(10, [1000, 1, 1, 1])
    assert min(out) == 1 and sum(out) == 10


def test_apportion_with_fewer_batches_than_members_serves_those_most_behind():
    assert apportion(2, [1, 1, 1, 1], behind=[0, 5, 0, 3]) == [0, 1, 0, 1]


def test_split_is_exact_and_leaves_no_category_township_or_month_out():
    rng = random.Random(7)
    rows = _rows()
    towns = [(f"3707250{n:02d}", rng.randint(5_000, 90_000)) for n in range(1, 15)]
    lines = split(batches=2470, kinds={"monitoring": 6, "evaluation": 3}, rows=rows, townships=towns)
    assert sum(n for *_k, n in lines) == 2470
    assert {line[1] for line in lines} == {r["code"] for r in rows}
    assert {line[2] for line in lines} == {t for t, _w in towns}
    months = {m: 0 for m in range(1, 13)}
    for _kind, _cat, _town, m, n in lines:
        months[m] += n
    assert max(months.values()) - min(months.values()) <= 1


def test_split_of_few_batches_rotates_over_months_and_townships():
    rows = [{"code": "a", "name": "A", "weight": 1, "kind": "supervision"}]
    towns = [("370725001", 10), ("370725107", 10), ("370725110", 10)]
    lines = split(batches=6, kinds={}, rows=rows, townships=towns)
    assert len({line[3] for line in lines}) == 6  # six different months
    assert len({line[2] for line in lines}) == 3


@pytest.mark.django_db
def test_kinds_are_kept_apart_by_their_rule_shares(peopled):
    plan = plan_sampling(actor=None, region_code="370725", year=2026)
    by_kind = plan.summary["by_kind"]
    assert sum(by_kind.values()) == plan.batches == 2470
    assert by_kind["monitoring"] == round(2470 * 0.06)
    assert by_kind["evaluation"] == round(2470 * 0.03)
    monitoring = set(PlanLine.objects.filter(plan=plan, kind="monitoring").values_list("category", flat=True))
    assert monitoring == {"monitoring"}


# -- residents -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_residents_of_a_county_without_its_own_figure_are_its_townships_sum(peopled):
    found = residents("370725")
    assert found.total == sum(TOWNS.values())
    assert dict(found.townships) == {k: float(v) for k, v in TOWNS.items()}
    assert found.by == "residents"


@pytest.mark.django_db
def test_townships_without_a_figure_share_the_county_rest_by_entities(regions):
    Region.objects.filter(code="370725").update(population=100_000)
    Region.objects.filter(code="370725001").update(population=40_000)
    Region.objects.create(code="370725110", name="红河镇", level=4, parent_id="370725")
    for n in range(3):
        Entity.objects.create(name=f"乔官{n}", region_id="370725107201")
    Entity.objects.create(name="红河1", region_id="370725110")
    found = residents("370725")
    weights = dict(found.townships)
    assert found.total == 100_000
    assert weights["370725001"] == 40_000
    assert weights["370725107"] == pytest.approx(45_000)
    assert weights["370725110"] == pytest.approx(15_000)
    assert found.by == "entities"


# -- the plan --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_of_the_demo_county_size_gives_2470_batches_over_every_township_category_and_month(peopled):
    plan = plan_sampling(actor=None, region_code="370725", year=2026, rate=5)
    s = plan.summary
    assert (s["residents"], s["batches"]) == (494_000, 2470)
    assert sum(s["by_category"].values()) == sum(s["by_township"].values()) == sum(s["by_month"].values()) == 2470
    assert all(s["by_category"].values()) and all(s["by_township"].values()) and all(s["by_month"].values())
    assert s["by_township"]["370725001"] > s["by_township"]["370725107"]
    assert PlanLine.objects.filter(plan=plan).count() == len(_rows()) * 2 * 12
    assert s["grain_stock"]["batches"] == -(-s["by_category"]["grain"] * s["grain_stock"]["pct"] // 100)


@pytest.mark.django_db
def test_a_given_rate_overrides_the_rule(peopled):
    plan = plan_sampling(actor=None, region_code="370725", year=2026, rate="6")
    assert plan.batches == 494 * 6
    assert float(plan.rate) == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("region", "year", "rate", "field"),
    [("999999", 2026, None, "region"), ("370725", 1800, None, "year"), ("370725", 2026, "-1", "rate"),
     ("370725", 2026, "五", "rate"), ("370725001001", 2026, None, "region")],
)  # fmt: skip
def test_bad_region_year_or_rate_is_refused_and_nothing_stored(peopled, region, year, rate, field):
    with pytest.raises(ValidationError) as exc:
        plan_sampling(actor=None, region_code=region, year=year, rate=rate)
    assert field in exc.value.message_dict
    assert not SamplingPlan.objects.exists() and not PlanLine.objects.exists()


@pytest.mark.django_db
def test_a_region_without_residents_is_refused_naming_the_population_page(regions):
    with pytest.raises(ValidationError, match="常住人口"):
        plan_sampling(actor=None, region_code="370725", year=2026)


@pytest.mark.django_db
def test_only_county_and_higher_admins_of_the_region_may_plan(peopled, make_user):
    with pytest.raises(PermissionDenied):
        plan_sampling(actor=make_user(Role.STATION_STAFF, "370725001"), region_code="370725", year=2026)
    with pytest.raises(Exception, match="管辖范围"):
        plan_sampling(actor=make_user(Role.COUNTY_ADMIN, "370304"), region_code="370725", year=2026)
    plan = plan_sampling(actor=make_user(Role.COUNTY_ADMIN, "370725"), region_code="370725", year=2026)
    entry = AuditEntry.objects.get(action="sampling_plan.create", object_id=str(plan.pk))
    assert entry.after["batches"] == plan.batches


@pytest.mark.django_db
def test_tasks_go_to_the_station_covering_each_lines_township(peopled, station_world):
    plan = plan_sampling(actor=None, region_code="370725", year=2026)
    tasks = SamplingTask.objects.filter(line__plan=plan)
    assert tasks.count() == PlanLine.objects.filter(plan=plan).count()
    assert set(tasks.filter(region_id="370725001").values_list("station_id", flat=True)) == {
        station_world["station"].pk
    }
    assert tasks.filter(month=202603).exists() and not tasks.exclude(month__range=(202601, 202612)).exists()
    assert sum(tasks.values_list("batches", flat=True)) == plan.batches


@pytest.mark.django_db
def test_replanning_replaces_lines_and_tasks_in_place_and_is_audited(peopled):
    first = plan_sampling(actor=None, region_code="370725", year=2026, rate=5)
    second = plan_sampling(actor=None, region_code="370725", year=2026, rate=6)
    assert second.pk == first.pk and second.summary["version"] == 2
    assert sum(PlanLine.objects.filter(plan=second).values_list("batches", flat=True)) == 494 * 6
    assert sum(SamplingTask.objects.values_list("batches", flat=True)) == 494 * 6
    entry = AuditEntry.objects.get(action="sampling_plan.replan")
    assert entry.before["batches"] == 2470 and entry.after["batches"] == 2964


@pytest.mark.django_db
def test_replanning_is_refused_once_a_task_has_a_sample(peopled, station_world):
    from shian.sampling.services.samples import create_sample

    plan = plan_sampling(actor=None, region_code="370725", year=2026)
    task = SamplingTask.objects.filter(line__plan=plan, region_id="370725001").first()
    create_sample(actor=station_world["zhang"], task=task, **sample_values(station_world))
    with pytest.raises(ValidationError, match="已有样品"):
        plan_sampling(actor=None, region_code="370725", year=2026, rate=6)
    assert SamplingPlan.objects.get(pk=plan.pk).batches == 2470


# -- the command -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_a_summary_and_the_json_line_last(peopled):
    out = io.StringIO()
    call_command("plan_sampling", "--year", "2026", "--region", "370725", "--rate", "5", "--json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert "2,470" in out.getvalue()
    data = json.loads(lines[-1])
    assert list(data) == ["residents", "rate", "batches", "by_category", "by_township", "by_month"]
    assert data["batches"] == 2470 and data["rate"] == 5
    assert set(data["by_month"]) == {str(m) for m in range(1, 13)}


@pytest.mark.django_db
def test_command_refuses_a_bad_region_in_chinese(peopled):
    with pytest.raises(CommandError, match="不存在"):
        call_command("plan_sampling", "--year", "2026", "--region", "123456", stdout=io.StringIO())
    assert not SamplingPlan.objects.exists()


# -- population ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_county_admin_sets_residents_audited_and_plans_follow(regions, make_user):
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    set_population(actor=admin, region_code="370725001", population=300_000)
    set_population(actor=admin, region_code="370725107", population=200_000)
    entry = AuditEntry.objects.filter(action="region.population").order_by("pk").last()
    assert entry.after == {"population": 200_000}
    assert plan_sampling(actor=admin, region_code="370725", year=2026).residents == 500_000


@pytest.mark.django_db
def test_population_is_kept_by_county_and_province_admins_only_in_their_jurisdiction(regions, make_user):
    with pytest.raises(PermissionDenied):
        set_population(actor=make_user(Role.TOWNSHIP_ADMIN, "370725001"), region_code="370725001", population=1)
    with pytest.raises(Exception, match="管辖范围"):
        set_population(actor=make_user(Role.COUNTY_ADMIN, "370304"), region_code="370725001", population=1)
    with pytest.raises(ValidationError, match="常住人口"):
        set_population(actor=make_user(Role.COUNTY_ADMIN, "370725"), region_code="370725001", population=-5)
    set_population(actor=make_user(Role.PROVINCE_ADMIN, "37"), region_code="370725001", population=None)
    assert Region.objects.get(code="370725001").population is None
