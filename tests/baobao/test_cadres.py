import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from shian.accounts.models import Role
from shian.baobao import selectors, services
from shian.baobao.models import Cadre
from shian.core.models import AuditEntry
from shian.entities.validators import make_resident_id

ID = make_resident_id(region="370725", birth=datetime.date(1975, 3, 9), seq=123)


@pytest.fixture
def county_admin(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725")


def new(actor, **extra):
    data = {
        "name": "张建国",
        "id_number": ID,
        "phone": "13805361234",
        "level": "village",
        "position": "村党支部书记",
        "region_code": "370725001001",
    }
    return services.create_cadre(actor=actor, **{**data, **extra})


def test_create_normalises_and_audits(db, regions, county_admin):
    cadre = new(county_admin, phone="138 0536 1234", id_number=ID.lower())
    assert (cadre.phone, cadre.id_number, cadre.region_id) == ("13805361234", ID, "370725001001")
    entry = AuditEntry.objects.get(action="cadre.create")
    assert entry.region_code == "370725001001" and "id_number" not in entry.after


@pytest.mark.parametrize(
    ("extra", "field", "text"),
    [
        ({"level": "county"}, "region_code", "县级干部的所属区划应为县级区划"),
        ({"level": "township", "region_code": "370725"}, "region_code", "乡级干部"),
        ({"region_code": "370725999999"}, "region_code", "不存在"),
        ({"id_number": ID[:-1] + ("0" if ID[-1] != "0" else "1")}, "id_number", "校验"),
        ({"phone": "12805361234"}, "phone", "第 2 位"),
        ({"phone": "0536-62１2345x"}, "phone", "不合法"),
        ({"name": "  "}, "name", "姓名"),
        ({"department_code": "nope"}, "department_code", ""),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(db, regions, county_admin, extra, field, text):
    with pytest.raises(ValidationError) as info:
        new(county_admin, **extra)
    assert field in info.value.message_dict
    assert text in " ".join(info.value.message_dict[field])
    assert not Cadre.objects.exists() and not AuditEntry.objects.filter(action="cadre.create").exists()


def test_duplicate_id_refused(db, regions, county_admin):
    new(county_admin)
    with pytest.raises(ValidationError) as info:
        new(county_admin, name="李四")
    assert "已登记" in info.value.message_dict["id_number"][0]


def test_landline_accepted(db, regions, county_admin):
    assert new(county_admin, phone="０５３６-６２１２３４５").phone == "0536-6212345"


def test_jurisdiction_and_role(db, regions, make_user, county_admin):
    other = make_user(Role.COUNTY_ADMIN, "370304")
    with pytest.raises(Http404):
        new(other)
    with pytest.raises(PermissionDenied):
        new(make_user(Role.STATION_STAFF, "370725001"))
    cadre = new(county_admin)
    with pytest.raises(Http404):
        selectors.cadre_get(user=other, pk=cadre.pk)
    assert list(selectors.cadre_list(user=other)) == []


def test_update_and_leave_are_audited(db, regions, county_admin):
    cadre = new(county_admin)
    services.update_cadre(actor=county_admin, cadre=cadre, level="township", region_code="370725001")
    cadre.refresh_from_db()
    assert (cadre.level, cadre.region_id) == ("township", "370725001")
    services.record_cadre_left(actor=county_admin, cadre=cadre, left_on=datetime.date(2026, 11, 2))
    assert Cadre.objects.get().status == "left"
    entries = AuditEntry.objects.filter(object_type="baobao.cadre").order_by("id")
    assert [e.action for e in entries] == ["cadre.create", "cadre.update", "cadre.left"]
    assert entries[1].before["level"] == "village" and entries[1].after["level"] == "township"


def test_api_masks_and_scopes(db, regions, county_admin, make_user):
    cadre = new(county_admin)
    client = Client()
    client.force_login(make_user(Role.TOWNSHIP_ADMIN, "370725001"))
    body = client.get("/api/v1/baobao/cadres").json()
    assert body["count"] == 1
    row = body["items"][0]
    assert row["phone"] == "138****1234" and row["id_number"].startswith("3707") and "*" in row["id_number"]
    client.force_login(make_user(Role.TOWNSHIP_ADMIN, "370725107"))
    assert client.get("/api/v1/baobao/cadres").json()["count"] == 0
    assert client.get(f"/api/v1/baobao/cadres/{cadre.pk}").status_code == 404


def test_api_create_names_field_and_rule(db, regions, county_admin):
    client = Client()
    client.force_login(county_admin)
    payload = {"name": "王五", "level": "county", "region_code": "370725001", "phone": "1380536"}
    r = client.post("/api/v1/baobao/cadres", payload, content_type="application/json")
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"region_code", "phone"}
    payload.update(region_code="370725", phone="13805361234")
    r = client.post("/api/v1/baobao/cadres", payload, content_type="application/json")
    assert r.status_code == 201 and r.json()["level"] == "county"


def test_list_page_counts_levels(db, regions, county_admin):
    new(county_admin)
    new(county_admin, id_number="", name="县领导", level="county", region_code="370725", phone="")
    client = Client()
    client.force_login(county_admin)
    page = client.get("/baobao/cadres/").content.decode()
    assert "张建国" in page and "138****1234" in page and "13805361234" not in page
    assert "县级 1" in page and "村级 1" in page
