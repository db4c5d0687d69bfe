"""The demo's lists (shian/demo/lists.py, docs/lists.md §6): on top of the cases demo, six months of editions with
some months short of three (the KPI shows red), dishonesty entries from the decided cases with one repaired, and a
joint-punishment flag; loaded once."""

import datetime

import pytest

from shian.accounts.models import User
from shian.baobao import services as baobao
from shian.core.kpis import Grouping
from shian.demo.accounts import load_demo_accounts, load_demo_grids
from shian.demo.cadres import load_county_cadres
from shian.demo.cases import load_cases
from shian.demo.entities import load_county_entities
from shian.demo.inspections import load_inspections
from shian.demo.lists import load_lists
from shian.demo.visits import load_county_visits
from shian.entities.models import Entity
from shian.lists import kpis
from shian.lists.models import DishonestyEntry, Edition, EditionLine, JointFlag
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
    load_cases(county=region, seed=5, today=TODAY)
    return region


def test_demo_lists_fill_six_months_some_short_with_entries_a_repair_and_a_flag(county):
    made = load_lists(county=county, seed=5, today=TODAY)
    published = Edition.objects.filter(status=Edition.Status.PUBLISHED)
    assert published.exists() and made["created"] == Edition.objects.count()
    months = {e.published_at.date().replace(day=1) for e in published}
    assert len(months) >= 3, made
    assert any(n < 3 for n in made["published"].values()), made  # some months short: the KPI shows red
    assert not EditionLine.objects.exclude(source_kind__in=["cases.case", "sampling.sample", "visits.problem",
                                                            "inspections.cateringyeargrade",
                                                            "inspections.inspection"]).exists()  # fmt: skip
    for e in published:
        assert len({e.drafted_by_id, e.reviewed_by_id, e.approved_by_id}) == 3
    assert DishonestyEntry.objects.filter(status=DishonestyEntry.Status.REPAIRED).count() == made["repaired"] == 1
    assert DishonestyEntry.objects.filter(status=DishonestyEntry.Status.LISTED).exists()
    assert JointFlag.objects.count() == made["flags"] >= 1
    this_month = kpis.count(prefix="370725", grouping=Grouping(6), as_of=TODAY)["370725"]["editions_month"]
    assert this_month == made["published"][TODAY.isoformat()[:7]]
    again = load_lists(county=county, seed=5, today=TODAY)
    assert again["created"] == 0 and Edition.objects.count() == made["created"]
