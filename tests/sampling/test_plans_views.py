"""Plans, tasks, the overview and residents on pages and over the API (docs/sampling.md §2): who may plan, what
each page shows, the overview's figures from samples, results and disposals, and the drill-down links."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.entities.models import Entity
from shian.regions.models import Region
from shian.sampling.models import Disposal, Lab, Sample, SamplingPlan, SamplingTask
from shian.sampling.services.plans import plan_sampling

from .samples_setup import station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/sampling"


@pytest.fixture
def peopled(regions):
    Region.objects.filter(code="370725001").update(population=300_000)
    Region.objects.filter(code="370725107").update(population=194_000)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sample(entity, n, *, conclusion="", category="condiment", when=None, **fields) -> Sample:
    when = when or timezone.now() - datetime.timedelta(days=2)
    lab = Lab.objects.get_or_create(code="LAB-T", defaults={"name": "检验所", "region_id": "370725"})[0]
    return Sample.objects.create(
        number=f"CJT-{n:05d}", entity=entity, region_id=entity.region_id, category=category, product="酱油",
        quantity="2瓶", lab=lab, sampled_at=when, to_lab_due=when + datetime.timedelta(days=5),
        conclusion=conclusion, report_date=when.date() if conclusion else None,
        status=Sample.Status.REPORTED if conclusion else Sample.Status.SAMPLED, created_by=fields.pop("by"), **fields,
    )  # fmt: skip


def test_county_admin_plans_a_year_on_the_page_and_sees_its_tables(peopled, make_user):
    client = _client(make_user(Role.COUNTY_ADMIN, "370725"))
    answer = client.post("/sampling/plans/new/", {"region": "370725", "year": "2026", "rate": "5"})
    plan = SamplingPlan.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/sampling/plans/{plan.pk}/")
    page = client.get(answer["Location"]).content.decode()
    assert "2470" in page and "乔官镇" in page and "粮食库存监测" in page
    assert client.get("/sampling/plans/").content.decode().count(f"/sampling/plans/{plan.pk}/") == 1


def test_a_bad_rate_on_the_page_is_a_message_naming_it_and_nothing_is_stored(peopled, make_user):
    client = _client(make_user(Role.COUNTY_ADMIN, "370725"))
    answer = client.post("/sampling/plans/new/", {"region": "370725", "year": "2026", "rate": "abc"}, follow=True)
    assert "每千人批次" in answer.content.decode()
    assert not SamplingPlan.objects.exists()


def test_station_staff_may_not_plan(peopled, make_user):
    client = _client(make_user(Role.STATION_STAFF, "370725001"))
    assert client.post("/sampling/plans/new/", {"region": "370725", "year": "2026"}).status_code == 403


def test_an_inspector_opens_the_task_list_on_their_station_and_month(peopled, station_world):
    plan_sampling(actor=None, region_code="370725", year=timezone.localdate().year)
    page = _client(station_world["zhang"]).get("/sampling/tasks/").content.decode()
    month = timezone.localdate().month
    mine = SamplingTask.objects.filter(station=station_world["station"], month__endswith=f"{month:02d}")
    assert mine.exists()
    assert all(f'data-testid="task-{t.pk}"' in page for t in mine)
    others = SamplingTask.objects.exclude(station=station_world["station"])
    assert not any(f'data-testid="task-{t.pk}"' in page for t in others)


def test_overview_counts_plan_pass_rate_and_disposals_with_targets_and_links(peopled, station_world, make_user):
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    plan_sampling(actor=None, region_code="370725", year=timezone.localdate().year)
    shop, zhang = station_world["shop"], station_world["zhang"]
    when = timezone.now() - datetime.timedelta(hours=3)
    for n in range(1, 10):
        _sample(shop, n, conclusion="pass", when=when, by=zhang)
    failed = _sample(shop, 10, conclusion="fail", category="farm_veg", when=when, by=zhang)
    Disposal.objects.create(sample=failed, entity=shop, region_id=shop.region_id, opened_at=when,
                            due_at=when + datetime.timedelta(days=90), retest_due=when + datetime.timedelta(days=9),
                            status=Disposal.Status.CLOSED, closed_at=when + datetime.timedelta(hours=1), on_time=True)  # fmt: skip
    answer = _client(admin).get(f"{API}/overview")
    assert answer.status_code == 200, answer.content
    figures = {f["key"]: f for f in answer.json()["figures"]}
    assert figures["sampling.pass_rate"]["value"] == 90.0
    assert figures["sampling.pass_rate"]["met"] is False and figures["sampling.pass_rate"]["target"] == 98
    assert figures["sampling.disposal_rate"]["value"] == 100.0
    assert figures["sampling.disposal_on_time"]["value"] == 100.0
    assert figures["sampling.samples"]["value"] == 10
    cats = {c["code"]: c for c in answer.json()["categories"]}
    assert cats["farm_veg"]["failed"] == 1 and cats["farm_veg"]["planned"] > 0
    page = _client(admin).get("/sampling/").content.decode()
    assert "category=farm_veg&amp;conclusion=fail" in page
    assert "?region=370725001" in page  # the township row drills down


def test_producer_coverage_counts_producers_sampled_at_their_premises_or_by_name(peopled, station_world, make_user):
    factory = Entity.objects.create(name="昌乐酱油厂", region_id="370725001001", business_type="production",
                                    uscc="91370725MA3C0XXXX1")  # fmt: skip
    Entity.objects.create(name="昌乐面粉厂", region_id="370725001001", business_type="production")
    _sample(station_world["shop"], 1, producer_uscc=factory.uscc, by=station_world["zhang"])
    answer = _client(make_user(Role.COUNTY_ADMIN, "370725")).get(f"{API}/overview")
    figures = {f["key"]: f["value"] for f in answer.json()["figures"]}
    assert figures["sampling.producer_coverage"] == 50.0


def test_enterprise_accounts_may_not_open_the_overview(make_user):
    assert _client(make_user(Role.ENTERPRISE, "370725001001")).get("/sampling/").status_code == 403


def test_api_plans_and_lists_plans_and_tasks_in_scope(peopled, make_user):
    client = _client(make_user(Role.COUNTY_ADMIN, "370725"))
    answer = client.post(f"{API}/plans", {"region": "370725", "year": 2026, "rate": "5"},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["batches"] == 2470 and sum(r["planned"] for r in body["by_category"]) == 2470
    assert client.get(f"{API}/plans").json()["count"] == 1
    tasks = client.get(f"{API}/tasks", {"month": 202603}).json()
    assert tasks["count"] > 0 and all(t["month"] == 202603 for t in tasks["items"])
    other = _client(make_user(Role.COUNTY_ADMIN, "370304"))
    assert other.get(f"{API}/plans/{body['id']}").status_code == 404


def test_population_page_saves_all_or_nothing_naming_the_bad_row(regions, make_user):
    client = _client(make_user(Role.COUNTY_ADMIN, "370725"))
    answer = client.post("/sampling/population/save/",
                         {"region": "370725", "pop-370725001": "1000", "pop-370725107": "两千"}, follow=True)  # fmt: skip
    assert "乔官镇" in answer.content.decode() and "整数" in answer.content.decode()
    assert Region.objects.get(code="370725001").population is None
    client.post("/sampling/population/save/", {"region": "370725", "pop-370725001": "1,000", "pop-370725107": "2000"})
    assert Region.objects.get(code="370725107").population == 2000
    assert AuditEntry.objects.filter(action="region.population").count() == 2
    page = client.get("/sampling/population/?region=370725").content.decode()
    assert "3000" in page


def test_population_over_the_api_for_county_admins_only(regions, make_user):
    body = {"population": 5000}
    station = _client(make_user(Role.STATION_STAFF, "370725001"))
    assert station.put(f"{API}/population/370725001", body, content_type="application/json").status_code == 403
    admin = _client(make_user(Role.COUNTY_ADMIN, "370725"))
    answer = admin.put(f"{API}/population/370725001", body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["residents"] == 5000
    assert admin.put(f"{API}/population/370304001", body, content_type="application/json").status_code == 404
