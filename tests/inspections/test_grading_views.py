"""The risk pages (docs/inspections.md §2): regulators read the distribution, the list and one entity's grade,
always a band with its words; the station adjusts, lifts and runs grading; enterprise accounts get 403; an entity
outside the jurisdiction is a 404; bad input is shown on the form. The API says the same."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.inspections.models import RiskGrade, RiskScheme
from shian.inspections.services import grading

from .grading_world import grading_world, make_entity

pytestmark = pytest.mark.django_db


@pytest.fixture
def gw(make_user):
    return grading_world(make_user)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_risk_page_shows_bands_with_their_words_and_children(gw):
    make_entity(name="站前饭店")
    make_entity(name="乔官饭店", region="370725107201")
    grading.grade_region(region_code="370725", trigger="test")
    page = client_for(gw.county_admin).get(reverse("inspections:risk"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "A级（低风险）" in text and "D级（高风险）" in text
    assert "宝都街道" in text and "乔官镇" in text  # the child regions to drill into
    assert "站前饭店" in text and "乔官饭店" in text
    filtered = client_for(gw.county_admin).get(reverse("inspections:risk"), {"band": "D"})
    assert "站前饭店" not in filtered.content.decode()


def test_the_station_sees_only_its_township(gw):
    make_entity(name="乔官饭店", region="370725107201")
    grading.grade_region(region_code="370725", trigger="test")
    text = client_for(gw.station).get(reverse("inspections:risk")).content.decode()
    assert "乔官饭店" not in text


def test_enterprise_accounts_get_403_on_every_risk_page(gw):
    own = gw.enterprise.entity
    client = client_for(gw.enterprise)
    for url in (reverse("inspections:risk"), reverse("inspections:entity_risk", args=[own.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("inspections:entity_risk_adjust", args=[own.pk]), {}).status_code == 403
    assert client.get(f"/api/v1/inspections/risk/grades/{own.pk}").status_code == 403


def test_the_entity_page_adjusts_and_lifts(gw):
    shop = make_entity()
    client = client_for(gw.station)
    page = client.get(reverse("inspections:entity_risk", args=[shop.pk]))
    assert "该主体尚未评定风险等级" in page.content.decode()
    response = client.post(
        reverse("inspections:entity_risk_adjust", args=[shop.pk]), {"band": "C", "reason": "举报较多"}
    )
    assert response.status_code == 302
    text = client.get(reverse("inspections:entity_risk", args=[shop.pk])).content.decode()
    assert "C级（较高风险）" in text and "举报较多" in text and "计算等级为 A级（低风险）" in text
    response = client.post(reverse("inspections:entity_risk_lift", args=[shop.pk]), {"reason": "已整改"})
    assert response.status_code == 302
    assert RiskGrade.objects.get(entity=shop, is_current=True).band == "A"


def test_an_empty_reason_is_shown_on_the_form_and_nothing_is_written(gw):
    shop = make_entity()
    response = client_for(gw.station).post(
        reverse("inspections:entity_risk_adjust", args=[shop.pk]), {"band": "C", "reason": " "}
    )
    assert response.status_code == 400
    assert "请填写调整理由。" in response.content.decode()
    assert not RiskGrade.objects.filter(entity=shop, manual=True).exists()


def test_a_cadre_reads_but_may_not_adjust(gw):
    shop = make_entity()
    client = client_for(gw.cadre)
    assert client.get(reverse("inspections:entity_risk", args=[shop.pk])).status_code == 200
    response = client.post(reverse("inspections:entity_risk_adjust", args=[shop.pk]), {"band": "D", "reason": "x"})
    assert response.status_code == 403


def test_an_entity_outside_the_jurisdiction_is_a_404(gw):
    far = make_entity(name="博山饭店", region="370304001")
    assert client_for(gw.station).get(reverse("inspections:entity_risk", args=[far.pk])).status_code == 404


def test_the_run_button_grades_a_county_and_refuses_a_city(gw, make_user):
    make_entity()
    client = client_for(gw.county_admin)
    response = client.post(reverse("inspections:risk_run"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="risk.grade", region_code="370725").exists()
    city = client_for(make_user(Role.CITY_ADMIN, "3707"))
    city.post(reverse("inspections:risk_run"))
    assert not AuditEntry.objects.filter(action="risk.grade", region_code="3707").exists()


def test_the_scheme_page_shows_the_version_in_force_and_validates_a_new_one(gw):
    page = client_for(gw.county_admin).get(reverse("inspections:risk_schemes"))
    assert page.status_code == 200
    assert "食品类别与业态" in page.content.decode()
    default = RiskScheme.objects.get(variant="2016", region__isnull=True)
    bad_tables = json.dumps({"static": [{"code": "category", "label": "类别", "max": 30}], "dynamic": []})
    response = client_for(gw.county_admin).post(
        reverse("inspections:risk_schemes"),
        {"region_code": "370725", "valid_from": "2099-01-01", "reason": "试点", "tables": bad_tables,
         "bands": json.dumps({"A": 45, "B": 30, "C": 60}), "frequency": json.dumps(default.frequency)},
    )  # fmt: skip
    text = response.content.decode()
    assert "静态风险各项满分之和应为 40，现为 30。" in text
    assert "分级分值应逐级递增" in text
    malformed = client_for(gw.county_admin).post(
        reverse("inspections:risk_schemes"),
        {"region_code": "370725", "valid_from": "2099-01-01", "reason": "试点", "tables": "{not json"},
    )
    assert malformed.status_code == 200 and RiskScheme.objects.count() == 2
    ok = client_for(gw.county_admin).post(
        reverse("inspections:risk_schemes"),
        {"region_code": "370725", "valid_from": "2099-01-01", "reason": "试点", "bands": '{"A": 20, "B": 40, "C": 55}'},
    )
    assert ok.status_code == 302
    new = RiskScheme.objects.get(region_id="370725")
    assert new.bands == {"A": 20, "B": 40, "C": 55} and new.tables == default.tables
    assert AuditEntry.objects.filter(action="risk.scheme_version").exists()


# -- the API -----------------------------------------------------------------------------------------------------


def test_the_api_lists_grades_and_shows_one_with_its_factors(gw):
    shop = make_entity()
    grading.regrade_entities([shop.pk], trigger="test")
    client = client_for(gw.station)
    listed = client.get("/api/v1/inspections/risk/grades", {"band": "A"}).json()
    assert [row["entity_id"] for row in listed["items"]] == [shop.pk]
    assert listed["items"][0]["band_label"] == "A级（低风险）"
    one = client.get(f"/api/v1/inspections/risk/grades/{shop.pk}").json()
    assert {f["code"] for f in one["factors"]} >= {"category", "scale", "consumers", "inspection"}


def test_the_api_adjusts_lifts_and_runs(gw):
    shop = make_entity()
    client = client_for(gw.station)
    bad = client.post(
        f"/api/v1/inspections/risk/grades/{shop.pk}/adjust",
        {"band": "E", "reason": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert {"field": "band", "message": "风险等级应为 A、B、C、D 之一。"} in [
        {k: e.get(k) for k in ("field", "message")} for e in bad.json()["errors"]
    ]
    done = client.post(
        f"/api/v1/inspections/risk/grades/{shop.pk}/adjust", {"band": "D", "reason": "专项"},
        content_type="application/json",
    )  # fmt: skip
    assert done.status_code == 200 and done.json()["band"] == "D" and done.json()["manual"] is True
    lifted = client.post(
        f"/api/v1/inspections/risk/grades/{shop.pk}/lift", {"reason": "解除"}, content_type="application/json"
    )
    assert lifted.json()["manual"] is False
    run = client.post("/api/v1/inspections/risk/run", {}, content_type="application/json")
    assert run.status_code == 200 and set(run.json()) == {"entities", "graded", "bands", "seconds"}
