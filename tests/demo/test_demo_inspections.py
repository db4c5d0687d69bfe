"""The demo's inspection history (shian/demo/inspections.py): stations and inspectors, two years of signed
inspections with findings, rectification orders at every stage, this month's tasks for the demo inspector, 明厨亮灶
links; seeded and loaded once."""

import datetime
from collections import Counter

import pytest
from django.db import transaction

from shian.accounts.models import Role, User
from shian.core.models import AuditEntry
from shian.demo.accounts import load_demo_accounts, load_demo_grids
from shian.demo.entities import load_county_entities
from shian.demo.inspections import load_inspections
from shian.entities.models import Entity
from shian.inspections.models import (
    CaseReferral,
    CateringYearGrade,
    Inspection,
    InspectionAnswer,
    InspectionPlan,
    InspectionTask,
    KitchenLink,
    Outcome,
    RandomDraw,
    RectificationOrder,
    RiskGrade,
    Signature,
    Station,
    current_grade,
)
from shian.inspections.services.draws import verify_draw
from shian.regions.models import Region

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def county(regions):
    region = Region.objects.select_related("parent").get(code="370725")
    load_demo_grids(county=region)
    load_county_entities(county=region, seed=5, count=600, today=TODAY)
    Entity.objects.update(created_at=datetime.datetime(2020, 3, 1, tzinfo=datetime.UTC))
    load_demo_accounts(county=region)
    return region


def test_loads_a_realistic_history_once(county):
    made = load_inspections(county=county, seed=1, today=TODAY)
    assert made["stations"] == Station.objects.count() == 1  # the test tree has two townships
    station = Station.objects.get()
    assert station.name.endswith("市场监管所") and station.townships.count() == 2
    inspectors = set(station.inspectors.values_list("username", flat=True))
    assert {"inspector", "inspector2"} <= inspectors and len(inspectors) >= 2
    assert not User.objects.filter(username__in=inspectors).exclude(role=Role.STATION_STAFF).exists()

    # two years of inspections, about 1.2 per entity per year and more for canteens
    inspections = Inspection.objects.all()
    assert made["inspections"] == inspections.count()
    operating = Entity.objects.filter(status=Entity.Status.OPERATING).count()
    assert 2.0 * operating < inspections.count() < 3.5 * operating
    first = TODAY.replace(year=TODAY.year - 2)
    assert first < min(inspections.values_list("inspected_on", flat=True)) and max(
        inspections.values_list("inspected_on", flat=True)) <= TODAY  # fmt: skip
    outcomes = Counter(inspections.values_list("outcome", flat=True))
    assert outcomes[Outcome.CONFORM] > 0.75 * inspections.count()
    assert outcomes[Outcome.BASIC] > outcomes[Outcome.NONCONFORM] > 0
    # every item answered; failed items with notes, 重点项 behind every 不符合
    one = inspections.filter(outcome=Outcome.NONCONFORM).first()
    assert one.answers.count() == one.checklist.items.count()
    failed = InspectionAnswer.objects.filter(result="fail")
    assert failed.exists() and not failed.filter(note="").exists()
    assert not inspections.filter(outcome=Outcome.NONCONFORM, key_failed=0).exists()
    assert not inspections.filter(outcome=Outcome.CONFORM).exclude(key_failed=0, general_failed=0).exists()
    # two inspectors of the station signed each
    assert Signature.objects.count() == 2 * inspections.count()
    assert set(Signature.objects.values_list("inspector__username", flat=True)) <= inspectors
    assert inspections.exclude(catering_level="").exists()
    assert CateringYearGrade.objects.filter(year=TODAY.year - 1).exists()

    # an order for each finding, at every stage; one escalated into a case referral
    orders = RectificationOrder.objects.all()
    assert orders.count() == inspections.exclude(outcome=Outcome.CONFORM).count()
    states = Counter(orders.values_list("status", flat=True))
    assert states["closed"] > states["open"] > 0 and states["answered"] > 0
    closed = orders.filter(status="closed").first()
    assert closed.answers.exists() and closed.rechecks.filter(passed=True).exists() and closed.closed_at
    now = datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC)
    assert orders.filter(status__in=["open", "answered"], due_at__lt=now).exists()  # some overdue
    assert CaseReferral.objects.filter(order__status="escalated").count() == 1
    assert len({o.number for o in orders}) == orders.count()

    # this month's open tasks for the demo inspector, two of them already late
    mine = InspectionTask.objects.filter(inspectors__username="inspector", status="open", draw__isnull=True)
    assert 10 <= mine.count() <= 15 and mine.filter(due_on__lt=TODAY).count() == 2
    assert all(t.inspectors.count() == 2 for t in mine)
    assert KitchenLink.objects.filter(platform="潍坊市智慧监管平台").exists()
    assert Entity.objects.filter(grid__isnull=False).exists()
    assert AuditEntry.objects.filter(action="demo.inspections").count() == 1

    # risk grades from that history, this year's plan, one published draw (the services of the commands)
    graded = RiskGrade.objects.filter(is_current=True)
    assert graded.count() == operating == sum(made[f"band_{b}"] for b in "ABCD")
    ungraded = Entity.objects.filter(status=Entity.Status.OPERATING).annotate(grade=current_grade())
    assert ungraded.filter(grade__isnull=True).count() == 0
    assert made["band_A"] > 0 and made["band_B"] + made["band_C"] + made["band_D"] > 0
    plan = InspectionPlan.objects.get(region_id="370725", year=TODAY.year)
    assert made["planned"] == plan.items.count() >= operating
    draw = RandomDraw.objects.get()
    assert draw.published_at and draw.created_by.username == "county" and draw.weighted
    assert made["draw_tasks"] == draw.tasks.count() == draw.count > 0
    assert verify_draw(draw.pk)["reproduced"] is True
    assert all(t.inspectors.count() >= 2 for t in draw.tasks.all())

    # a second run adds nothing
    assert load_inspections(county=county, seed=1, today=TODAY) == {}
    assert Inspection.objects.count() == made["inspections"] and Station.objects.count() == 1


class _Rollback(Exception):
    pass


def _history_of(county, seed: int) -> list:
    """The inspections a seed makes, then rolled back."""
    try:
        with transaction.atomic():
            load_inspections(county=county, seed=seed, today=TODAY)
            # sorted on every column: an entity can be inspected twice on one day, and PostgreSQL returns such
            # ties in whatever order the rolled-back first run left the heap in
            rows = sorted(Inspection.objects.values_list("entity_id", "inspected_on", "outcome", "signed_by__username"))
            raise _Rollback
    except _Rollback:
        return rows


def test_same_seed_same_history(county):
    first = _history_of(county, 4)
    assert first and not Inspection.objects.exists()
    assert _history_of(county, 4) == first
    assert _history_of(county, 5) != first
