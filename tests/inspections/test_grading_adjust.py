"""Grading runs and manual adjustment (docs/inspections.md §2): a regrade of an unchanged region writes nothing, a
manual band survives automatic regrading until lifted, bad input is refused with a message naming the field, and
the `grade_risk` command prints its JSON contract."""

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from shian.core.models import AuditEntry
from shian.inspections.models import RiskGrade
from shian.inspections.services import grading

from .grading_world import band_of, grading_world, inspect, make_entity

pytestmark = pytest.mark.django_db


@pytest.fixture
def gw(make_user):
    return grading_world(make_user)


def current(entity) -> RiskGrade:
    return RiskGrade.objects.get(entity=entity, is_current=True)


def test_regrading_an_unchanged_region_writes_no_new_row(gw):
    shops = [make_entity(name=f"饭店{n}") for n in range(3)]
    first = grading.grade_region(region_code="370725", trigger="test")
    assert first.graded == first.entities == 4  # three shops and the enterprise's own restaurant
    rows = RiskGrade.objects.count()
    again = grading.grade_region(region_code="370725", trigger="test")
    assert again.graded == 0 and again.entities == 4
    assert RiskGrade.objects.count() == rows
    assert again.bands == first.bands and sum(again.bands.values()) == 4
    inspect(shops[0], "nonconform")
    third = grading.grade_region(region_code="370725", trigger="test")
    assert third.graded == 1
    assert RiskGrade.objects.filter(entity=shops[0]).count() == 2
    assert RiskGrade.objects.filter(entity=shops[0], is_current=True).count() == 1


def test_a_run_is_audited_and_an_actor_grades_only_its_jurisdiction(gw):
    make_entity(name="博山饭店", region="370304001")
    run = grading.grade_region(actor=gw.station, region_code="", trigger="ui")
    assert run.entities == 1  # only 宝都街道's (the station's) own entity
    entry = AuditEntry.objects.get(action="risk.grade")
    assert entry.region_code == "370725001" and entry.after["graded"] == 1
    assert RiskGrade.objects.get().graded_by == gw.station
    with pytest.raises(Http404):
        grading.grade_region(actor=gw.station, region_code="370304", trigger="ui")
    with pytest.raises(PermissionDenied):
        grading.grade_region(actor=gw.cadre, region_code="370725001001", trigger="ui")


def test_a_manual_band_is_kept_across_regrading_until_lifted(gw):
    shop = make_entity()
    grading.regrade_entities([shop.pk], trigger="test")
    computed = current(shop).band
    assert computed == "A"
    grade = grading.adjust_grade(actor=gw.station, entity_id=shop.pk, band="D", reason="群众投诉多，加强监管")
    assert grade.manual and grade.band == "D" and grade.computed_band == "A"
    assert band_of(shop) == "D"
    inspect(shop, "basic")
    grading.grade_region(region_code="370725", trigger="test")
    kept = current(shop)
    assert kept.band == "D" and kept.manual and kept.reason == "群众投诉多，加强监管"
    assert kept.dynamic_score == 10  # the computed side moved on
    lifted = grading.lift_adjustment(actor=gw.station, entity_id=shop.pk, reason="整改到位")
    assert not lifted.manual and lifted.band == lifted.computed_band
    assert band_of(shop) == lifted.band
    actions = list(AuditEntry.objects.filter(object_id=str(shop.pk)).values_list("action", flat=True))
    assert "risk.adjust" in actions and "risk.lift" in actions
    again = grading.grade_region(region_code="370725", trigger="test")
    assert current(shop).band == current(shop).computed_band and again.graded == 0


def test_an_entity_never_graded_is_graded_before_its_adjustment(gw):
    shop = make_entity()
    grade = grading.adjust_grade(actor=gw.station, entity_id=shop.pk, band="C", reason="专项整治对象")
    assert grade.band == "C" and grade.computed_band == "A"
    assert RiskGrade.objects.filter(entity=shop).count() == 2


@pytest.mark.parametrize(
    ("band", "reason", "field", "message"),
    [
        ("E", "理由", "band", "风险等级应为 A、B、C、D 之一。"),
        ("B", "  ", "reason", "请填写调整理由。"),
    ],
)
def test_bad_adjustments_are_refused_naming_the_field(gw, band, reason, field, message):
    shop = make_entity()
    with pytest.raises(ValidationError) as exc:
        grading.adjust_grade(actor=gw.station, entity_id=shop.pk, band=band, reason=reason)
    assert exc.value.message_dict[field] == [message]
    assert not RiskGrade.objects.filter(entity=shop).exists()
    assert not AuditEntry.objects.filter(action="risk.adjust").exists()


def test_lifting_needs_an_adjustment_and_a_reason(gw):
    shop = make_entity()
    grading.regrade_entities([shop.pk], trigger="test")
    with pytest.raises(ValidationError, match="没有人工调整"):
        grading.lift_adjustment(actor=gw.station, entity_id=shop.pk, reason="无")
    with pytest.raises(ValidationError) as exc:
        grading.lift_adjustment(actor=gw.station, entity_id=shop.pk, reason="")
    assert "reason" in exc.value.message_dict


def test_only_the_station_adjusts_and_only_in_its_jurisdiction(gw):
    shop = make_entity()
    far = make_entity(name="博山饭店", region="370304001")
    with pytest.raises(PermissionDenied):
        grading.adjust_grade(actor=gw.cadre, entity_id=shop.pk, band="D", reason="理由")
    with pytest.raises(PermissionDenied):
        grading.adjust_grade(actor=gw.enterprise, entity_id=shop.pk, band="A", reason="理由")
    with pytest.raises(Http404):
        grading.adjust_grade(actor=gw.station, entity_id=far.pk, band="D", reason="理由")


def test_grade_risk_prints_its_json_contract_last(gw):
    make_entity()
    out = StringIO()
    call_command("grade_risk", "--region", "370725", "--json", stdout=out)
    last = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(last) == {"entities", "graded", "bands", "seconds"}
    assert set(last["bands"]) == {"A", "B", "C", "D"}
    assert last["entities"] == last["graded"] == 2
    assert sum(last["bands"].values()) == 2
    assert isinstance(last["seconds"], float | int)
    out = StringIO()
    call_command("grade_risk", "--region", "370725", stdout=out)
    assert "新评定 0 户" in out.getvalue()
