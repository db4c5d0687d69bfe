# ruff: noqa: F811  (the `pw` fixture is imported from planning_world)
"""Stations (docs/inspections.md §1): townships and inspectors kept by county administrators and above, a
township in at most one station, conflicts of interest declared and audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.accounts.models import Role
from shian.core.audit import AuditEntry
from shian.inspections.models import InspectorConflict
from shian.inspections.services.stations import create_station, declare_conflict, update_station

from .planning_world import pw  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_township_belongs_to_one_station_and_the_refusal_names_both(pw):
    with pytest.raises(ValidationError) as err:
        update_station(actor=pw.county_admin, station=pw.qiaoguan, township_codes=["370725107", "370725001"],
                       inspector_ids=[])  # fmt: skip
    assert "宝都街道" in str(err.value) and "宝都市场监管所" in str(err.value)
    assert list(pw.qiaoguan.townships.values_list("code", flat=True)) == ["370725107"]


def test_inspectors_must_be_station_staff_of_the_county(pw, make_user):
    cadre = make_user(Role.CADRE, "370725001001", name="王干部")
    elsewhere = make_user(Role.STATION_STAFF, "370304001", name="博山执法")
    with pytest.raises(ValidationError) as err:
        update_station(actor=pw.county_admin, station=pw.baodu, township_codes=["370725001"],
                       inspector_ids=[cadre.pk, elsewhere.pk])  # fmt: skip
    assert "王干部" in str(err.value) and "博山执法" in str(err.value)
    assert pw.baodu.inspectors.count() == 3


def test_county_admin_edits_and_it_is_audited(pw):
    keep = pw.inspectors["baodu"][:2]
    update_station(actor=pw.county_admin, station=pw.baodu, name="宝都所", township_codes=["370725001"],
                   inspector_ids=[u.pk for u in keep])  # fmt: skip
    assert set(pw.baodu.inspectors.all()) == set(keep)
    entry = AuditEntry.objects.get(action="station.update")
    assert entry.after["inspectors"] == sorted(u.pk for u in keep)


def test_township_admins_and_inspectors_may_not_edit_stations(pw, make_user):
    for actor in (make_user(Role.TOWNSHIP_ADMIN, "370725001"), pw.inspectors["baodu"][0]):
        with pytest.raises(PermissionDenied):
            update_station(actor=actor, station=pw.baodu, township_codes=[], inspector_ids=[])
        with pytest.raises(PermissionDenied):
            create_station(actor=actor, region_code="370725", code="S9", name="新所")


def test_create_station_checks_the_county_and_the_code(pw):
    with pytest.raises(ValidationError, match="已被使用"):
        create_station(actor=pw.county_admin, region_code="370725", code="S001", name="重复")
    station = create_station(actor=pw.county_admin, region_code="370725", code="S003", name="新所")
    assert station.region_id == "370725"


def test_an_inspector_declares_a_conflict_once(pw):
    inspector = pw.inspectors["baodu"][0]
    entity = pw.entity()
    declare_conflict(actor=inspector, entity_id=entity.pk, reason="亲属经营")
    assert InspectorConflict.objects.filter(inspector=inspector, entity=entity).exists()
    assert AuditEntry.objects.filter(action="station.conflict").count() == 1
    with pytest.raises(ValidationError, match="已对"):
        declare_conflict(actor=inspector, entity_id=entity.pk, reason="再次")
    with pytest.raises(ValidationError, match="回避原因"):
        declare_conflict(actor=inspector, entity_id=pw.entity().pk, reason=" ")


def test_an_entitys_station_is_the_one_of_its_township_read_in_one_query(pw, django_assert_num_queries):
    """selectors.stations is the one place that maps regions to stations (plans, draws, grids, sampling)."""
    from shian.inspections.selectors import stations

    codes = ["370725001001", "370725107001", "370725001", "370725999001", "370725"]
    expected = {"370725001001": pw.baodu.pk, "370725107001": pw.qiaoguan.pk, "370725001": pw.baodu.pk,
                "370725999001": None, "370725": None}  # fmt: skip
    with django_assert_num_queries(1):
        assert stations.stations_for(codes) == expected
    assert stations.stations_for(codes, within="370725") == expected
    assert stations.station_map("370725") == stations.station_map() == {"370725001": pw.baodu.pk,
                                                                         "370725107": pw.qiaoguan.pk}  # fmt: skip
    assert stations.station_map("370304") == {}
    assert stations.station_of("370725107001") == pw.qiaoguan.pk
