"""The demo's cases (shian/demo/cases.py, docs/cases.md §6): on top of the visits and inspections demos, cases from
overdue 包保 problems and inspections referrals, most ending in a penalty, some overdue, one extended with an
approval and one under 挂牌督办 with a report request; loaded once."""

import datetime
import time

import pytest

from shian.accounts.models import User
from shian.baobao import services as baobao
from shian.cases.models import Case, ReportRequest, Supervision
from shian.cases.selectors.cases import penalties_of
from shian.demo.accounts import load_demo_accounts, load_demo_grids
from shian.demo.cadres import load_county_cadres
from shian.demo.cases import load_cases
from shian.demo.entities import load_county_entities
from shian.demo.inspections import load_inspections
from shian.demo.visits import load_county_visits
from shian.entities.models import Entity
from shian.regions.models import Region

TODAY = datetime.date(2026, 11, 25)
pytestmark = pytest.mark.django_db


@pytest.fixture
def county(regions):
    region = Region.objects.select_related("parent").get(code="370725")
    load_demo_grids(county=region)
    load_county_entities(county=region, seed=5, count=300, today=TODAY)
    Entity.objects.update(created_at=datetime.datetime(2020, 3, 1, tzinfo=datetime.UTC))
    load_county_cadres(county=region, seed=5)
    load_demo_accounts(county=region)
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    baobao.grade_entities(actor=admin, region_code=region.code)
    baobao.publish_run(actor=admin, run=baobao.assign_cadres(actor=admin, region_code=region.code))
    load_inspections(county=region, seed=5, today=TODAY)
    load_county_visits(county=region, seed=5, today=TODAY)
    return region


def test_demo_cases_come_from_each_source_present_end_in_penalties_and_load_once(county):
    started = time.monotonic()
    made = load_cases(county=county, seed=5, today=TODAY)
    seconds = time.monotonic() - started
    assert seconds < 30, seconds
    cases = Case.objects.all()
    assert made["created"] == cases.count() > 0
    assert made["by_source"]["problem"] >= 1 and made["by_source"]["referral"] >= 1, made
    assert set(cases.values_list("source", flat=True)) >= {"problem", "inspection"}
    penalised = cases.exclude(penalties=[]).filter(entity__isnull=False)
    assert penalised.exists()
    entity_ids = list(penalised.values_list("entity_id", flat=True))
    assert penalties_of(entity_ids, TODAY - datetime.timedelta(days=400))
    problem_penalty = cases.filter(source="problem").exclude(penalties=[])
    assert problem_penalty.exists(), made  # the done-when path: an overdue 包保 problem ends in a penalty
    if made["supervised"]:
        sup = Supervision.objects.get(case__number=made["supervised"])
        assert sup.level_id == "3707" and ReportRequest.objects.filter(supervision=sup).count() == 1
    assert load_cases(county=county, seed=5, today=TODAY)["created"] == 0
