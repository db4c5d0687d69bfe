"""A region's grading run (docs/inspections.md §2) writes the same grades as a regrade of a few entities, whatever
the page size: on PostgreSQL the run stages its rows and writes them set-based at the end, the few-entities path
writes page by page, and both keep manual bands, share the factor sets and retire the stale row (one current row
per entity: the entity's band)."""

import pytest

from shian.entities.models import Entity
from shian.inspections.models import RiskFactorSet, RiskGrade, current_grade
from shian.inspections.services import grading

from .grading_world import band_of, grading_world, inspect, make_entity

pytestmark = pytest.mark.django_db

COMPARED = ("scheme_id", "static_score", "dynamic_score", "credit_score", "total", "computed_band", "band", "factors",
            "manual", "reason", "is_current")  # fmt: skip


@pytest.fixture
def gw(make_user):
    return grading_world(make_user)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(grading, "CHUNK", 2)  # several pages (and cursor batches) for a handful of entities


def current(entity) -> RiskGrade:
    return RiskGrade.objects.get(entity=entity, is_current=True)


def stored(grade: RiskGrade) -> dict:
    return {name: getattr(grade, name) for name in COMPARED}


def test_a_region_run_stores_what_a_regrade_of_one_entity_stores(gw, small_pages):
    twins = [make_entity(name=f"双胞胎饭店{n}", diners=120) for n in range(2)]
    school = make_entity(name="实验小学食堂", business_type="canteen", sub_type="school_canteen", diners=1500)
    failed = make_entity(name="不合格饭店")
    inspect(failed, "nonconform")
    grading.regrade_entities([twins[0].pk], trigger="test")
    run = grading.grade_region(region_code="370725", trigger="test")
    assert run.entities == 5 and run.graded == 4  # the twin graded before is unchanged
    assert stored(current(twins[1])) == stored(current(twins[0]))
    assert current(failed).dynamic_score > current(twins[0]).dynamic_score
    assert current(school).static_score > current(twins[0]).static_score
    assert current(twins[1]).factor_set_id == current(twins[0]).factor_set_id  # one stored list for both
    grades = RiskGrade.objects.filter(is_current=True)
    assert RiskFactorSet.objects.count() == len({RiskFactorSet.digest(g.factors) for g in grades}) < grades.count()
    assert sum(run.bands.values()) == 5
    graded = Entity.objects.annotate(grade=current_grade())
    assert run.bands == {band: graded.filter(grade__band=band).count() for band in run.bands}


def test_a_region_run_retires_the_changed_grade_and_keeps_a_manual_band(gw, small_pages):
    shops = [make_entity(name=f"饭店{n}") for n in range(4)]
    first = grading.grade_region(region_code="370725", trigger="test")
    assert first.graded == 5
    grading.adjust_grade(actor=gw.station, entity_id=shops[1].pk, band="D", reason="专项整治对象")
    for shop in shops[:2]:
        inspect(shop, "nonconform")
    again = grading.grade_region(region_code="370725", trigger="test")
    assert again.graded == 2
    for shop in shops[:2]:
        assert RiskGrade.objects.filter(entity=shop, is_current=True).count() == 1
        assert RiskGrade.objects.filter(entity=shop, is_current=False).exists()
    changed, adjusted = current(shops[0]), current(shops[1])
    assert not changed.manual and changed.band == changed.computed_band
    assert adjusted.manual and adjusted.band == "D" and adjusted.reason == "专项整治对象"
    assert adjusted.computed_band == changed.computed_band and adjusted.dynamic_score == changed.dynamic_score
    assert band_of(shops[0]) == changed.band and band_of(shops[1]) == "D"
    assert grading.grade_region(region_code="370725", trigger="test").graded == 0
