"""The emergency pages and API (docs/emergency.md §5), the work list (§4) and the figures (kpis.py): an incident
typed in on a phone page and timed against 2 hours, refusals naming the field, the API answering 201/422, the
readiness with its veto, the work list and the KPIs counting first reports and feedback on time."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from shian.core import kpis as registry
from shian.core.kpis import Grouping
from shian.core.worklist import items_for
from shian.emergency.models import Exercise, Incident
from shian.emergency.services import incidents as incident_services
from shian.emergency.services import opinions as opinion_services
from shian.emergency.services import plans as plan_services

from .emergency_setup import ago, incident_values, opinion_values, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/emergency"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_incident_typed_in_on_the_page_is_timed_against_two_hours(world):
    client = _client(world["station"])
    aware = ago(hours=1)
    answer = client.post("/emergency/incidents/new/", {
        "entity": world["canteen"].pk, "title": "学生腹泻", "summary": "午餐后腹泻", "affected": "12",
        "occurred_at": _local(ago(hours=2)), "aware_at": _local(aware),
    })  # fmt: skip
    incident = Incident.objects.get()
    assert answer.status_code == 302 and answer.url == f"/emergency/incidents/{incident.pk}/"
    assert incident.first_report_due - incident.aware_at == datetime.timedelta(hours=2)
    page = client.get(answer.url).content.decode()
    assert "首报期限" in page and "（含疑似）报告：2" in page and incident.number in page
    client.post(f"/emergency/incidents/{incident.pk}/report/", {
        "kind": "first", "reported_at": _local(timezone.now()), "recipient": "县政府", "content": "首报"})  # fmt: skip
    incident.refresh_from_db()
    assert incident.first_reported_at and not incident.first_report_late
    assert "按时" in client.get(answer.url).content.decode()


def test_a_form_opened_for_an_entity_names_it_and_one_out_of_reach_is_ignored(world):
    page = _client(world["station"]).get(f"/emergency/incidents/new/?entity={world['canteen'].pk}").content.decode()
    assert "宝都小学食堂" in page
    page = _client(world["boshan"]).get(f"/emergency/opinions/new/?entity={world['canteen'].pk}").content.decode()
    assert "宝都小学食堂" not in page


def test_a_refused_incident_form_answers_422_naming_the_fields(world):
    answer = _client(world["station"]).post("/emergency/incidents/new/", {"title": "", "summary": "x",
                                                                          "entity": world["canteen"].pk,
                                                                          "affected": "-2"})  # fmt: skip
    text = answer.content.decode()
    assert answer.status_code == 422
    assert "请填写事故名称" in text and "请填写获知时间" in text and "受害人数应为不小于 0 的整数" in text
    assert not Incident.objects.exists()


def test_the_lists_show_overdue_and_late_and_stay_in_the_jurisdiction(world):
    overdue = incident_services.create_incident(actor=world["station"], **incident_values(world))
    opinion = opinion_services.create_opinion(actor=world["station"], **opinion_values(world, found_at=ago(hours=30)))
    county = _client(world["county"])
    page = county.get("/emergency/incidents/?report=overdue").content.decode()
    assert overdue.number in page and "逾期未报" in page
    assert opinion.number in county.get("/emergency/opinions/?feedback=overdue").content.decode()
    assert overdue.number not in _client(world["boshan"]).get("/emergency/incidents/").content.decode()
    assert _client(world["boshan"]).get(f"/emergency/incidents/{overdue.pk}/").status_code == 404
    assert _client(world["grid"]).get("/emergency/incident/new/").status_code in (403, 404)
    assert _client(world["auditor"]).post("/emergency/incidents/new/", {}).status_code == 403


def test_the_api_creates_reports_and_refuses_with_422(world):
    client = _client(world["station"])
    body = {"entity_id": world["canteen"].pk, "title": "集体腹泻", "summary": "腹泻", "affected": 120,
            "occurred_at": ago(hours=4).isoformat(), "aware_at": ago(hours=3).isoformat()}  # fmt: skip
    answer = client.post(f"{API}/incidents", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["grade"] == "III" and data["due_rules"]["first_report"]["amount"] == 2
    late = client.post(f"{API}/incidents/{data['id']}/reports", {
        "kind": "first", "reported_at": ago(minutes=30).isoformat(), "recipient": "县政府", "content": "首报"},
        content_type="application/json")  # fmt: skip
    assert late.status_code == 201 and late.json()["first_report_late"] is True
    refused = client.post(f"{API}/incidents", body | {"grade": "IV"}, content_type="application/json")
    assert refused.status_code == 422 and "至少应为" in str(refused.json())
    listed = _client(world["county"]).get(f"{API}/incidents?report=late").json()
    assert [row["id"] for row in listed["items"]] == [data["id"]]
    assert _client(world["boshan"]).get(f"{API}/incidents/{data['id']}").status_code == 404


def test_the_api_records_opinion_feedback_and_readiness(world):
    client = _client(world["station"])
    body = {k: (v.isoformat() if isinstance(v, datetime.datetime) else v)
            for k, v in opinion_values(world).items()}  # fmt: skip
    created = client.post(f"{API}/opinions", body, content_type="application/json")
    assert created.status_code == 201, created.content
    fed = client.post(f"{API}/opinions/{created.json()['id']}/feedback",
                      {"fed_back_at": ago(minutes=1).isoformat(), "feedback": "已回应"},
                      content_type="application/json")  # fmt: skip
    assert fed.status_code == 200 and fed.json()["feedback_late"] is False
    county = _client(world["county"])
    drill = county.post(f"{API}/exercises", {"region_code": "370725", "kind": "live", "title": "实战演练",
                                             "held_on": str(timezone.localdate())}, content_type="application/json")  # fmt: skip
    assert drill.status_code == 201, drill.content
    ready = county.get(f"{API}/readiness?region=370725").json()
    assert ready["live_drills"] == 1 and ready["live_ok"] and ready["veto"] is False
    assert county.get(f"{API}/readiness?region=370304").status_code == 404


def test_the_readiness_page_shows_the_veto(world):
    incident_services.create_incident(actor=world["station"], **incident_values(world, affected=150, deaths=1))
    page = _client(world["county"]).get("/emergency/?region=370725").content.decode()
    assert "否决" in page and "重大（II级）" in page
    elsewhere = _client(world["station"]).get("/emergency/?region=370725001").content.decode()
    assert "宝都街道" in elsewhere and "重大（II级）" in elsewhere  # the canteen lies in 宝都街道


def test_the_work_list_counts_first_reports_and_feedback_due_and_overdue(world):
    incident_services.create_incident(actor=world["station"], **incident_values(world))  # due an hour ago
    incident_services.create_incident(actor=world["station"], **incident_values(world, aware_at=ago(minutes=10)))
    opinion_services.create_opinion(actor=world["station"], **opinion_values(world))
    items = {i.key: i.count for i in items_for(world["county"])}
    assert items["emergency.first_report_overdue"] == 1 and items["emergency.first_report_pending"] == 1
    assert items["emergency.feedback_pending"] == 1 and items["emergency.feedback_overdue"] == 0
    assert not [i for i in items_for(world["grid"]) if i.key.startswith("emergency.")]


def _figures(prefix: str) -> dict:
    provider = next(p for p in registry.providers() if p.key == "emergency")
    parts = registry.total(provider.count(prefix=prefix, grouping=Grouping(len(prefix)),
                                          as_of=timezone.localdate()).values())  # fmt: skip
    return {k.key: k.value(parts) for k in provider.kpis}


def test_the_figures_count_first_reports_on_time_the_veto_and_the_drills(world):
    def incident(**changes):
        return incident_services.create_incident(actor=world["station"], **incident_values(world, **changes))

    on_time, late, unreported = incident(), incident(), incident()
    incident(aware_at=ago(minutes=5))  # its clock still runs: not yet due
    for item, after in ((on_time, 60), (late, 150)):
        incident_services.add_report(actor=world["station"], incident=item, kind="first", recipient="县政府",
                                     content="首报", reported_at=item.aware_at + datetime.timedelta(minutes=after))  # fmt: skip
    incident(affected=130, deaths=2)  # grade II: the veto (its first report is overdue too)
    plan_services.create_exercise(actor=world["county"], region_code="370725", kind=Exercise.Kind.LIVE,
                                  title="演练", held_on=timezone.localdate() - datetime.timedelta(days=30))  # fmt: skip
    figures = _figures("370725")
    assert figures["emergency.incidents"] == 5
    assert figures["emergency.first_report_on_time"] == 25.0  # 1 of the 4 whose clock ran out
    assert figures["emergency.veto_incidents"] == 1
    assert (figures["emergency.live_drills"], figures["emergency.drills"], figures["emergency.trainings"]) == (1, 1, 0)
    assert figures["emergency.feedback_on_time"] is None  # nothing due: "—", not 0 % or 100 %
    assert _figures("370304")["emergency.incidents"] == 0
    assert unreported.first_reported_at is None


def test_a_form_offers_townships_in_a_county_and_only_counties_above_it(world):
    county_form = _client(world["county"]).get("/emergency/plans/new/").content.decode()
    assert "宝都街道（370725001）" in county_form and "乔官镇（370725107）" in county_form
    city_form = _client(world["city"]).get("/emergency/plans/new/").content.decode()
    assert "昌乐县（370725）" in city_form and "宝都街道" not in city_form
