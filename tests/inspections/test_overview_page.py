"""The inspections overview (docs/inspections.md §7): the page /inspections/ and GET /api/v1/inspections/overview
show the region's figures with targets, what needs doing and the areas below with drill-down, inside the user's
jurisdiction only; an enterprise account is refused."""

import pytest
from django.test import Client

from shian.inspections.models import InspectionTask, RandomDraw
from shian.inspections.selectors.overview import overview

from .overview_world import COUNTY, T1, T2, V1, build, day, pin_clock


@pytest.fixture
def world(monkeypatch, make_user):
    pin_clock(monkeypatch)
    return build(make_user)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def figure(data, key):
    return next(f for f in data["figures"] if f["key"] == key)


def test_county_page_shows_figures_todo_and_townships(world):
    page = login(world.county_admin).get("/inspections/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "昌乐县" in html and "监督检查总览" in html
    assert 'data-kpi="inspections.coverage"' in html and "57.1%" in html
    assert "逾期未整改的责令整改通知 1 份" in html and "宝都中学食堂" in html  # the overdue order, listed
    assert f'href="/inspections/?region={T1}"' in html and f'href="/inspections/?region={T2}"' in html
    assert "≥ 95%" in html and "≥ 70%" in html  # the 明厨亮灶 targets from the rule store
    assert 'name="viewport"' in html  # the base layout's phone viewport


def test_drill_down_to_a_township_and_a_village(world):
    client = login(world.county_admin)
    html = client.get("/inspections/", {"region": T1}).content.decode()
    assert f'href="/inspections/?region={V1}"' in html and "宝都街道" in html
    assert f'<a href="/inspections/?region={COUNTY}">昌乐县</a>' in html  # the way back up
    html = client.get("/inspections/", {"region": V1}).content.decode()
    assert f'href="/entities/{world.e["a3"].pk}/"' in html  # a village lists its entities
    assert "乔官饭店" not in html


def test_township_admin_sees_only_its_township(world):
    client = login(world.township_admin)
    html = client.get("/inspections/").content.decode()
    assert "宝都街道" in html and "乔官" not in html
    assert "75.0%" in html  # 3 of its 4 operating entities inspected this year
    html = client.get("/inspections/", {"region": COUNTY}).content.decode()  # wider than its jurisdiction: ignored
    assert "乔官" not in html
    api = client.get("/api/v1/inspections/overview", {"region": COUNTY})
    assert api.status_code == 404
    data = client.get("/api/v1/inspections/overview").json()
    assert data["region_code"] == T1 and [a["code"] for a in data["areas"]] == [V1]


def test_another_county_is_404_in_the_api(world):
    assert login(world.boshan_admin).get("/api/v1/inspections/overview", {"region": COUNTY}).status_code == 404


def test_enterprise_is_refused(world):
    client = login(world.enterprise)
    assert client.get("/inspections/").status_code == 403
    assert client.get("/api/v1/inspections/overview").status_code == 403
    with pytest.raises(Exception) as refused:
        overview(user=world.enterprise, region_code=V1)
    assert type(refused.value).__name__ == "PermissionDenied"


def test_anonymous_goes_to_login(world):
    assert Client().get("/inspections/").status_code == 302
    assert Client().get("/api/v1/inspections/overview").status_code == 401


def test_api_returns_the_same_figures_as_the_page(world):
    data = login(world.county_admin).get("/api/v1/inspections/overview", {"region": COUNTY}).json()
    assert data["region_code"] == COUNTY and data["region_name"] == "昌乐县" and data["as_of"] == "2026-11-25"
    assert figure(data, "inspections.coverage")["value"] == 57.1
    kitchen = figure(data, "inspections.kitchen_school")
    assert kitchen["value"] == 50.0 and kitchen["target"] == 95 and kitchen["met"] is False
    assert figure(data, "inspections.kitchen_hospital")["met"] is True
    assert figure(data, "inspections.done")["target"] is None
    assert data["todo"] == {"orders_overdue": 1, "tasks_overdue": 0, "draws_unpublished": 0, "draws_late": 0}
    assert [a["code"] for a in data["areas"]] == [T1, T2]
    assert {b["key"]: b["n"] for b in data["risk_bands"]} == {"A": 1, "B": 1, "C": 1, "D": 1, "-": 3}
    assert data["areas"][0]["values"]["inspections.coverage"] == 75.0
    bad = login(world.county_admin).get("/api/v1/inspections/overview", {"region": "3707255"})
    assert bad.status_code == 422


def test_todo_counts_overdue_tasks_and_unpublished_draws(world):
    a8 = world.e["a8"]
    InspectionTask.objects.create(entity=a8, region_id=a8.region_id, due_on=day("2026-11-20"))  # overdue
    InspectionTask.objects.create(entity=a8, region_id=a8.region_id, due_on=day("2026-11-30"))  # not yet
    InspectionTask.objects.create(entity=a8, region_id=a8.region_id, due_on=day("2026-11-01"),
                                  status=InspectionTask.Status.DONE)  # fmt: skip
    for due in ("2026-11-20", "2026-12-10"):
        RandomDraw.objects.create(region_id=COUNTY, title="双随机", algorithm="v1", seed="1", count=1, candidates=[],
                                  candidates_sha256="0" * 64, inspectors=[], inspectors_sha256="0" * 64,
                                  created_by=world.county_admin, publish_due=day(due))  # fmt: skip
    ov = overview(user=world.county_admin, region_code=COUNTY)
    assert ov.todo["tasks_overdue"] == 1
    assert ov.todo["draws_unpublished"] == 2 and ov.todo["draws_late"] == 1
    assert overview(user=world.boshan_admin, region_code="370304").todo["tasks_overdue"] == 0
