"""Foodborne-disease reports (docs/foodborne.md): bad input refused with nothing written, the cluster rule (place
or food, county, window, count from the rule store) and its warning, "open an incident" with emergency's 2-hour
clock once, patient identity masked in audit, API and pages, and the department account's scope."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.models import AuditEntry, DeadlineRule, Notification
from shian.emergency.models import Incident
from shian.entities.models import Entity
from shian.foodborne.models import CaseReport, Cluster
from shian.foodborne.selectors import reports as selectors
from shian.foodborne.services import clusters, reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    return {
        "hospital": make_user(Role.DEPARTMENT_STAFF, "370725", name="县医院", department_id="health"),
        "school_doctor": make_user(Role.DEPARTMENT_STAFF, "370725", name="校医", department_id="education"),
        "county": make_user(Role.COUNTY_ADMIN, "370725", name="县局"),
        "station": make_user(Role.STATION_STAFF, "370725001", name="宝都所"),
        "boshan": make_user(Role.STATION_STAFF, "370304001", name="博山所"),
        "grid": make_user(Role.GRID_WORKER, "370725001001"),
        "shop": Entity.objects.create(name="宝都饭店", region_id="370725001001", business_type="catering"),
    }


def _case(world, actor=None, hours_ago=5, **changes) -> CaseReport:
    values = {"institution": "昌乐县人民医院", "patient_name": "张三丰", "id_number": "11010519491231002X",
              "phone": "13812345678", "patient_count": 1, "symptoms": "腹泻、呕吐", "suspected_food": "凉拌 菜",
              "entity_id": world["shop"].pk, "onset_at": timezone.now() - datetime.timedelta(hours=hours_ago)}  # fmt: skip
    return reports.report_case(actor=actor or world["hospital"], **(values | changes))


def test_bad_input_is_refused_naming_the_fields_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as exc:
        _case(world, entity_id=None, suspected_food="", patient_name="", id_number="123",
              onset_at=timezone.now() + datetime.timedelta(days=1))  # fmt: skip
    assert {"patient_name", "id_number", "onset_at", "region_code"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        _case(world, entity_id=None, suspected_food="", region_code="370725001")
    assert "可疑食品或可疑场所" in " ".join(exc.value.message_dict["suspected_food"])
    with pytest.raises(PermissionDenied):
        _case(world, actor=world["grid"])
    assert not CaseReport.objects.exists() and not Cluster.objects.exists()


def test_one_case_is_no_cluster_and_the_second_at_the_same_place_warns_the_county(world):
    first = _case(world)
    assert not Cluster.objects.exists()
    _case(world, suspected_food="红烧肉", patient_name="李四")
    cluster = Cluster.objects.get(kind="place")
    assert cluster.cases == 2 and set(cluster.reports.all()) == set(CaseReport.objects.all())
    assert cluster.entity == world["shop"] and cluster.rule["cases"]["amount"] == 2
    assert first.clusters.count() == 1
    told = set(Notification.objects.filter(kind="foodborne.cluster").values_list("user__username", flat=True))
    assert told == {world["county"].username, world["station"].username}
    _case(world, patient_name="王五")  # a third joins, no second warning
    cluster.refresh_from_db()
    assert cluster.cases == 3 and Cluster.objects.filter(kind="place").count() == 1
    assert Notification.objects.filter(kind="foodborne.cluster").count() == 4  # (place + food cluster) x 2 users
    assert Cluster.objects.filter(kind="food").count() == 1  # 凉拌菜 twice (spaces ignored)


def test_the_window_and_the_count_come_from_the_rule_store(world):
    _case(world, hours_ago=200)
    _case(world, hours_ago=1, suspected_food="别的菜")
    assert not Cluster.objects.exists()  # more than 72 hours apart
    DeadlineRule.objects.create(code="foodborne.cluster_cases", name="聚集", region_prefix="370725", version=2,
                                unit="n", amount=5, valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    _case(world, hours_ago=2, suspected_food="再一道菜", patient_count=3)
    assert not Cluster.objects.filter(kind="place").exists()  # 4 cases within the window: below 5
    _case(world, hours_ago=2, suspected_food="又一道菜")
    assert Cluster.objects.get(kind="place").cases == 5


def test_open_an_incident_once_with_the_two_hour_clock(world):
    _case(world, patient_count=3)
    cluster = Cluster.objects.get(kind="place")
    with pytest.raises(PermissionDenied):
        clusters.open_incident(actor=world["hospital"], cluster=cluster)
    with pytest.raises(Http404):
        clusters.open_incident(actor=world["boshan"], cluster=cluster)
    incident = clusters.open_incident(actor=world["station"], cluster=cluster)
    assert incident.suspected and incident.affected == 3 and incident.entity == world["shop"]
    assert incident.first_report_due == incident.aware_at + datetime.timedelta(hours=2)
    assert incident.aware_at == cluster.warned_at
    cluster.refresh_from_db()
    assert cluster.incident == incident
    with pytest.raises(ValidationError):
        clusters.open_incident(actor=world["station"], cluster=cluster)
    assert Incident.objects.count() == 1
    assert AuditEntry.objects.filter(action="foodborne.incident", object_id=str(cluster.pk)).exists()


def test_the_patient_is_masked_in_the_audit_and_the_api_and_a_department_sees_its_own(world, client):
    report = _case(world)
    entry = AuditEntry.objects.get(action="foodborne.report")
    assert entry.after["id_number"] == "1101**********002X" and "patient_name" not in entry.after
    assert list(selectors.report_list(user=world["school_doctor"])) == []
    with pytest.raises(Http404):
        selectors.report_get(user=world["school_doctor"], pk=report.pk)
    assert list(selectors.report_list(user=world["hospital"])) == [report]
    client.force_login(world["county"])
    body = client.get(f"/api/v1/foodborne/reports/{report.pk}").json()
    assert body["patient_name"] == "张**" and body["id_number"] == "1101**********002X"
    assert body["phone"] == "138****5678"
    page = client.get(f"/foodborne/{report.pk}/").content.decode()
    assert "张三丰" not in page and "11010519491231002X" not in page
    page = client.post(f"/foodborne/{report.pk}/", {"unmask": "1"}).content.decode()
    assert "张三丰" in page and AuditEntry.objects.filter(action="pii.unmask").count() == 1


def test_the_scheduled_sweep_clusters_reports_the_save_check_missed_and_runs_idempotently(world):
    """A rule lowered after the reports were saved (or reports written in bulk): the sweep forms the cluster the
    on-save check could not, warns once, and a second run changes nothing."""
    from shian.core import schedule

    DeadlineRule.objects.create(code="foodborne.cluster_cases", region_prefix="", version=50, unit="n", amount=3,
                                name="测试", valid_from=datetime.date(2000, 1, 1), source="测试")  # fmt: skip
    _case(world)
    _case(world, patient_name="李四", suspected_food="红烧肉")
    assert not Cluster.objects.exists()
    DeadlineRule.objects.filter(code="foodborne.cluster_cases", version=50).update(amount=2)
    assert clusters.sweep() == 1
    cluster = Cluster.objects.get()
    assert cluster.kind == "place" and cluster.cases == 2
    assert clusters.sweep() == 0 and Cluster.objects.count() == 1 and cluster.reports.count() == 2
    assert Notification.objects.filter(kind="foodborne.cluster").count() == 2
    assert "foodborne.cluster_sweep" in {job.name for job in schedule.jobs()}
