"""Risk scoring (docs/inspections.md §2): static factors from what the entity is, dynamic ones from what happened,
the band by the scheme's cut-offs, and the variant a region's rule names."""

import datetime
from decimal import Decimal

import pytest

from shian.core.models import DeadlineRule
from shian.entities.models import Entity
from shian.inspections.defaults import SCHEMES
from shian.inspections.models import RiskGrade, RiskScheme
from shian.inspections.services import grading

from .grading_world import band_of, grading_world, inspect, make_entity

pytestmark = pytest.mark.django_db


@pytest.fixture
def gw(make_user):
    return grading_world(make_user)


def current(entity) -> RiskGrade:
    return RiskGrade.objects.get(entity=entity, is_current=True)


def factor(grade, code) -> dict:
    return next(f for f in grade.factors if f["code"] == code)


def test_a_school_canteen_scores_its_category_its_diners_and_its_students(gw):
    school = make_entity(name="实验小学食堂", business_type="canteen", sub_type="school_canteen", diners=1200)
    assert grading.regrade_entities([school.pk], trigger="test") == 1
    grade = current(school)
    assert factor(grade, "category") == {
        "code": "category", "label": "食品类别与业态", "value": "school_canteen", "points": 16, "max": 20,
        "part": "static",
    }  # fmt: skip
    assert factor(grade, "scale")["value"] == "diners_1000" and factor(grade, "scale")["points"] == 10
    assert factor(grade, "consumers")["value"] == "students" and factor(grade, "consumers")["points"] == 10
    assert grade.static_score == Decimal("36.0")
    assert grade.scheme.variant == "2016"
    assert band_of(school) == grade.band == "B"  # 36: above A's 30, up to B's 45


@pytest.mark.parametrize(
    ("diners", "band"), [(1000, "diners_1000"), (999, "diners_300"), (300, "diners_300"), (99, "diners_0"), (None, "")]
)
def test_canteens_are_sized_by_their_diners(gw, diners, band):
    canteen = make_entity(name="机关食堂", business_type="canteen", sub_type="office_canteen", diners=diners)
    grading.regrade_entities([canteen.pk], trigger="test")
    assert factor(current(canteen), "scale")["value"] == band


def test_shops_are_sized_by_sales_and_special_consumers_follow_the_sub_type(gw):
    shop = make_entity(name="超市", business_type="sales", sub_type="supermarket", sales_band="gt100m")
    hospital = make_entity(name="医院食堂", business_type="canteen", sub_type="hospital_canteen", diners=50)
    grading.regrade_entities([shop.pk, hospital.pk], trigger="test")
    assert factor(current(shop), "scale")["points"] == 10
    assert factor(current(shop), "consumers")["points"] == 0
    assert factor(current(hospital), "consumers")["value"] == "patients"


def test_a_failed_last_inspection_raises_the_dynamic_score(gw):
    shop = make_entity()
    grading.regrade_entities([shop.pk], trigger="test")
    before = current(shop)
    assert before.dynamic_score == 0
    inspect(shop, "basic", days_ago=100)
    inspect(shop, "nonconform", days_ago=5)  # the latest counts
    grading.regrade_entities([shop.pk], trigger="inspection")
    after = current(shop)
    assert factor(after, "inspection") == {
        "code": "inspection", "label": "上次监督检查结果", "value": "nonconform", "points": 20, "max": 20,
        "part": "dynamic",
    }  # fmt: skip
    assert after.dynamic_score == before.dynamic_score + 20
    assert after.trigger == "inspection"
    assert not RiskGrade.objects.get(pk=before.pk).is_current


def test_an_inspection_older_than_the_window_does_not_count(gw):
    shop = make_entity()
    inspect(shop, "nonconform", days_ago=800)  # the 2016 window is 730 days
    grading.regrade_entities([shop.pk], trigger="test")
    assert factor(current(shop), "inspection")["points"] == 0


def test_factors_without_a_source_score_nothing_and_say_so(gw, monkeypatch):
    monkeypatch.setattr(grading.riskfactors, "_PROVIDERS", {})  # whatever later modules register
    shop = make_entity()
    grading.regrade_entities([shop.pk], trigger="test")
    samples = factor(current(shop), "failed_samples")
    assert samples["points"] == 0 and samples["note"] == "无数据来源"


def test_a_registered_provider_feeds_its_factor(gw, monkeypatch):
    shop = make_entity()
    calls = []

    def failed_samples(entity_ids, since, prefix):
        calls.append((entity_ids, since))
        return {shop.pk: 3}

    monkeypatch.setitem(grading.riskfactors._PROVIDERS, "failed_samples", failed_samples)
    grading.regrade_entities([shop.pk], trigger="test")
    samples = factor(current(shop), "failed_samples")
    assert samples["value"] == 3 and samples["points"] == 12  # 3 x 6, capped at 12
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("total", "band"), [(0, "A"), (30, "A"), (30.5, "B"), (45, "B"), (45.1, "C"), (60, "C"), (60.5, "D"), (100, "D")]
)
def test_cut_offs_at_the_boundaries(total, band):
    assert grading.band_of(Decimal(str(total)), SCHEMES["2016"]["bands"]) == band


def test_the_2022_variant_when_the_rule_says_2022_for_the_region(gw):
    here = make_entity()
    elsewhere = make_entity(name="博山饭店", region="370304001")
    DeadlineRule.objects.create(
        code="inspections.risk_variant", name="风险分级评分办法", region_prefix="370725", version=1, unit="n",
        amount=2022, valid_from=datetime.date(2020, 1, 1), source="试点",
    )  # fmt: skip
    grading.grade_region(region_code="37", trigger="test")
    new = current(here)
    assert new.scheme.variant == "2022"
    assert factor(new, "credit_class") == {
        "code": "credit_class", "label": "企业信用风险分类", "value": "", "points": 6, "max": 20, "part": "credit",
        "note": "暂无信用分类",
    }  # fmt: skip
    assert new.credit_score == 6
    assert current(elsewhere).scheme.variant == "2016"


def test_a_region_scheme_version_overrides_the_default(gw):
    shop = make_entity()
    default = RiskScheme.objects.get(variant="2016", region__isnull=True)
    RiskScheme.objects.create(
        region_id="370725", variant="2016", version=default.version + 1, tables=default.tables,
        bands={"A": 3, "B": 6, "C": 9}, frequency=default.frequency,
    )  # fmt: skip
    grading.regrade_entities([shop.pk], trigger="test")
    assert current(shop).band == "D"


def test_only_operating_entities_are_graded(gw):
    closed = make_entity(status=Entity.Status.DEREGISTERED)
    assert grading.regrade_entities([closed.pk], trigger="test") == 0
    assert not RiskGrade.objects.filter(entity=closed).exists()
