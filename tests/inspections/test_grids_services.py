"""Grids (docs/inspections.md §1): entities derived into the 社区网格 of their village or nearest ancestor, the
ones no grid covers counted, one entity's grid by hand (scoped, audited, never another county's grid), and the
grid workers' monthly 巡查 tasks (once per month, never beside an open one)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.inspections.models import InspectionTask, Station
from shian.inspections.services import grids
from shian.regions.models import Grid

from .grading_world import OTHER_VILLAGE, VILLAGE, grading_world, make_entity

pytestmark = pytest.mark.django_db


@pytest.fixture
def gw(make_user):
    return grading_world(make_user)


@pytest.fixture
def worker(make_user):
    return make_user(Role.GRID_WORKER, VILLAGE, username="gridworker", name="网格员小李")


@pytest.fixture
def village_grid(worker):
    return Grid.objects.create(
        code="G001", name="站前社区网格", kind=Grid.Kind.COMMUNITY, region_id=VILLAGE, worker=worker
    )


def test_entities_go_to_their_villages_grid_or_the_nearest_ancestors(gw, village_grid):
    township_grid = Grid.objects.create(code="G002", name="乔官镇网格", kind=Grid.Kind.COMMUNITY, region_id="370725107")
    Grid.objects.create(code="A001", name="片区", kind=Grid.Kind.AREA, region_id=VILLAGE)  # not a community grid
    here = make_entity(name="站前饭店")
    there = make_entity(name="乔官饭店", region=OTHER_VILLAGE)
    nowhere = make_entity(name="城东饭店", region="370304001")
    result = grids.assign_grids(actor=gw.county_admin, region_code="370725")
    here.refresh_from_db(), there.refresh_from_db()
    assert here.grid == village_grid and there.grid == township_grid
    assert result["assigned"] == 3  # with the enterprise's own restaurant in 站前社区
    assert result["unassigned"] == 0
    nowhere.refresh_from_db()
    assert nowhere.grid is None  # another county: untouched
    assert AuditEntry.objects.get(action="grid.assign").after["assigned"] == 3


def test_entities_no_grid_covers_are_counted_and_listed(gw):
    shop = make_entity()
    result = grids.assign_grids(actor=gw.county_admin, region_code="370725")
    assert result["unassigned"] == 2 and shop.pk in result["unassigned_ids"]
    page = Client()
    page.force_login(gw.county_admin)
    text = page.get(reverse("inspections:grids")).content.decode()
    assert "老张饭店" in text and "共 2 户" in text


def test_a_hand_set_grid_is_kept_unless_asked_to_replace(gw, village_grid):
    other = Grid.objects.create(code="G009", name="另一网格", kind=Grid.Kind.COMMUNITY, region_id="370725001")
    shop = make_entity()
    grids.set_entity_grid(actor=gw.station, entity_id=shop.pk, grid_id=other.pk)
    grids.assign_grids(actor=gw.station, region_code="370725001")
    shop.refresh_from_db()
    assert shop.grid == other
    grids.assign_grids(actor=gw.station, region_code="370725001", replace=True)
    shop.refresh_from_db()
    assert shop.grid == village_grid
    entry = AuditEntry.objects.get(action="grid.set")
    assert entry.after == {"grid": other.pk} and entry.object_id == str(shop.pk)


def test_a_grid_of_another_county_is_refused_by_name(gw, make_user):
    Grid.objects.create(code="B001", name="博山城东网格", kind=Grid.Kind.COMMUNITY, region_id="370304001")
    far_grid = Grid.objects.get(code="B001")
    shop = make_entity()
    with pytest.raises(ValidationError) as exc:
        grids.set_entity_grid(actor=make_user(Role.PROVINCE_ADMIN, "37"), entity_id=shop.pk, grid_id=far_grid.pk)
    assert exc.value.message_dict["grid"] == ["网格“博山城东网格”不在该主体所在县（区），请选择本县（区）的网格。"]
    with pytest.raises(ValidationError) as exc:  # outside the actor's jurisdiction: as if it did not exist
        grids.set_entity_grid(actor=gw.station, entity_id=shop.pk, grid_id=far_grid.pk)
    assert exc.value.message_dict["grid"] == ["网格不存在，或不是社区网格。"]
    shop.refresh_from_db()
    assert shop.grid is None and not AuditEntry.objects.filter(action="grid.set").exists()


def test_only_the_station_edits_grids(gw):
    shop = make_entity()
    with pytest.raises(PermissionDenied):
        grids.set_entity_grid(actor=gw.cadre, entity_id=shop.pk, grid_id=None)
    with pytest.raises(PermissionDenied):
        grids.assign_grids(actor=gw.enterprise, region_code="370725001001")


def test_the_entity_grid_page_shows_the_refusal_on_the_form(gw, village_grid):
    Grid.objects.create(code="B001", name="博山城东网格", kind=Grid.Kind.COMMUNITY, region_id="370304001")
    shop = make_entity()
    client = Client()
    client.force_login(gw.county_admin)
    url = reverse("inspections:entity_grid", args=[shop.pk])
    assert "站前社区网格" in client.get(url).content.decode()
    assert client.post(url, {"grid": village_grid.pk}).status_code == 302
    shop.refresh_from_db()
    assert shop.grid == village_grid


def test_patrol_tasks_once_a_month_for_entities_in_grids_with_a_worker(gw, village_grid, worker):
    Station.objects.create(code="S1", name="宝都所", region_id="370725").townships.add("370725001")
    shop = make_entity()
    unmanned = Grid.objects.create(code="G003", name="无人网格", kind=Grid.Kind.COMMUNITY, region_id=OTHER_VILLAGE)
    make_entity(name="乔官饭店", region=OTHER_VILLAGE, grid=unmanned)
    shop.grid = village_grid
    shop.save()
    n = grids.create_patrol_tasks(actor=gw.county_admin, region_code="370725", month="2026-02")
    assert n == 1
    task = InspectionTask.objects.get()
    assert task.entity == shop and task.kind == "patrol" and task.due_on == datetime.date(2026, 2, 28)
    assert list(task.inspectors.all()) == [worker] and task.station.code == "S1"
    assert grids.create_patrol_tasks(region_code="370725", month="2026-02") == 0  # the scheduler, again
    assert grids.create_patrol_tasks(region_code="370725", month="2026-03") == 0  # February's is still open
    InspectionTask.objects.update(status=InspectionTask.Status.DONE)
    assert grids.create_patrol_tasks(region_code="370725", month=datetime.date(2026, 3, 15)) == 1
    assert AuditEntry.objects.filter(action="grid.patrol_tasks").count() == 2


def test_a_bad_month_is_refused_by_name(gw):
    with pytest.raises(ValidationError) as exc:
        grids.create_patrol_tasks(actor=gw.county_admin, region_code="370725", month="2026/13")
    assert exc.value.message_dict["month"] == ["月份格式应为 YYYY-MM，例如 2026-12。"]


def test_the_monthly_job_makes_the_months_patrol_tasks(gw, village_grid):
    from django.utils import timezone

    from shian.core import schedule

    make_entity(grid=village_grid)
    job = schedule.job("inspections.patrol_tasks")
    assert job is not None and "每月 1 日起" in job.schedule_text()
    assert job.run(timezone.now()) == "created=1"
    assert job.run(timezone.now()) == "created=0"
