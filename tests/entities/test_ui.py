"""Registry pages: create/edit through the service, licences and people, 注销, expiring licences; and the API's
DELETE and expiring endpoints."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.models import AuditEntry, DeadlineRule
from shian.entities import services
from shian.entities.models import Entity, KeyPerson, License

VALID = "91440101MA5CJQ4N59"
CHECKSUM_FAILS = "91350203M0001QAY9B"


@pytest.fixture
def station(make_user):
    return make_user(Role.STATION_STAFF, "370725001")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def new(actor, **extra):
    data = {
        "name": "宝都街道老王饭店",
        "business_type": "catering",
        "sub_type": "small_restaurant",
        "address": "宝都街道站前街 12 号",
        "region_code": "370725001001",
    }
    return services.create_entity(actor=actor, **{**data, **extra})


FORM = {
    "name": "宝都街道新开饭店",
    "business_type": "catering",
    "sub_type": "small_restaurant",
    "address": "宝都街道站前街 8 号",
    "region_code": "370725001001",
}


def field_row(html: str, name: str) -> str:
    """The markup of one form row, so a message is checked next to the field it belongs to."""
    start = html.index(f'data-field="{name}"')
    return html[start : html.index("</div>", start)]


def test_create_form_shows_bad_uscc_next_to_the_field_and_writes_nothing(db, station):
    client = client_for(station)
    page = client.get("/entities/new/").content.decode()
    assert 'value="370725001"' in page  # the current region is prefilled
    assert "id_override_reason" not in page  # the reason field appears only after a checksum warning
    r = client.post("/entities/new/", {**FORM, "uscc": "91440101MA5CJQ4NI9"})
    assert r.status_code == 200
    row = field_row(r.content.decode(), "uscc")
    assert "errorlist" in row and "统一社会信用代码" in row
    assert not Entity.objects.exists() and not AuditEntry.objects.filter(action="entity.create").exists()


def test_region_and_name_errors_land_on_their_fields(db, station):
    r = client_for(station).post("/entities/new/", {**FORM, "region_code": "370725107201"})
    assert r.status_code == 404  # another township: out of scope, no existence leak
    r = client_for(station).post("/entities/new/", {**FORM, "region_code": "370725001999"})
    assert "区划代码不存在" in field_row(r.content.decode(), "region_code")
    r = client_for(station).post("/entities/new/", {**FORM, "name": ""})
    assert "errorlist" in field_row(r.content.decode(), "name")
    assert not Entity.objects.exists()


def test_checksum_warning_then_reason_saves_and_records_it(db, station):
    client = client_for(station)
    r = client.post("/entities/new/", {**FORM, "uscc": CHECKSUM_FAILS})
    page = r.content.decode()
    assert r.status_code == 200 and not Entity.objects.exists()
    assert "例外说明" in field_row(page, "uscc") and 'id="id_override_reason"' in page
    r = client.post("/entities/new/", {**FORM, "uscc": CHECKSUM_FAILS, "override_reason": "已核对营业执照原件"})
    entity = Entity.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/entities/{entity.pk}/"
    assert entity.uscc == CHECKSUM_FAILS and entity.uscc_override_reason == "已核对营业执照原件"
    assert AuditEntry.objects.get(action="entity.create").after["uscc_override_reason"] == "已核对营业执照原件"
    # editing something else keeps the code and its reason without asking again
    r = client.post(f"/entities/{entity.pk}/edit/", {**FORM, "uscc": CHECKSUM_FAILS, "override_reason": "已核对营业执照原件", "status": "operating", "address": "站前街 9 号"})  # fmt: skip
    entity.refresh_from_db()
    assert r.status_code == 302 and entity.address == "站前街 9 号" and entity.uscc_override_reason


def test_edit_goes_through_the_service_and_is_audited(db, station):
    entity = new(station, uscc=VALID)
    client = client_for(station)
    page = client.get(f"/entities/{entity.pk}/edit/").content.decode()
    assert "宝都街道老王饭店" in page and VALID in page
    data = {**FORM, "name": "宝都街道老王酒家", "uscc": VALID, "status": "suspended"}
    r = client.post(f"/entities/{entity.pk}/edit/", data)
    assert r.status_code == 302
    entity.refresh_from_db()
    assert entity.name == "宝都街道老王酒家" and entity.status == "suspended"
    entry = AuditEntry.objects.get(action="entity.update")
    assert entry.before["name"] == "宝都街道老王饭店" and entry.after["name"] == "宝都街道老王酒家"
    assert entry.actor == station
    # a refused edit changes nothing
    r = client.post(f"/entities/{entity.pk}/edit/", {**data, "sub_type": "supermarket"})
    assert r.status_code == 200 and "细分类型与业态不符" in field_row(r.content.decode(), "sub_type")
    entity.refresh_from_db()
    assert entity.sub_type == "small_restaurant" and AuditEntry.objects.filter(action="entity.update").count() == 1


def test_add_licence_and_key_person_from_the_detail_page(db, station):
    entity = new(station)
    client = client_for(station)
    detail = client.get(f"/entities/{entity.pk}/").content.decode()
    assert f'action="/entities/{entity.pk}/licenses/new/"' in detail
    assert f'action="/entities/{entity.pk}/people/new/"' in detail
    today = timezone.localdate()
    bad = {
        "kind": "workshop",
        "number": "鲁作坊备 001",
        "issued_on": today,
        "expires_on": today - datetime.timedelta(1),
    }
    r = client.post(f"/entities/{entity.pk}/licenses/new/", bad)
    assert r.status_code == 200
    assert "有效期至必须晚于发证日期" in field_row(r.content.decode(), "expires_on")
    assert not License.objects.exists()
    r = client.post(f"/entities/{entity.pk}/licenses/new/", {**bad, "expires_on": today + datetime.timedelta(365)})
    assert r.status_code == 302 and License.objects.get().entity == entity

    person = {"role": "principal", "name": "王五", "id_type": "resident", "id_number": "110105194912310021"}
    r = client.post(f"/entities/{entity.pk}/people/new/", person)
    assert r.status_code == 200 and "errorlist" in field_row(r.content.decode(), "id_number")
    r = client.post(f"/entities/{entity.pk}/people/new/", {**person, "id_number": "11010519491231002X"})
    assert r.status_code == 302 and KeyPerson.objects.get().name == "王五"
    assert AuditEntry.objects.filter(action__in=["license.create", "key_person.create"]).count() == 2


def test_deregister_asks_first_and_deletes_nothing(db, station):
    entity = new(station)
    client = client_for(station)
    assert f"/entities/{entity.pk}/deregister/" in client.get(f"/entities/{entity.pk}/").content.decode()
    page = client.get(f"/entities/{entity.pk}/deregister/").content.decode()
    assert "确认注销" in page
    entity.refresh_from_db()
    assert entity.status == "operating"  # GET only asks
    r = client.post(f"/entities/{entity.pk}/deregister/")
    assert r.status_code == 302
    entity.refresh_from_db()
    assert entity.status == Entity.Status.DEREGISTERED
    entry = AuditEntry.objects.get(action="entity.update")
    assert entry.before["status"] == "operating" and entry.after["status"] == "deregistered"
    detail = client.get(f"/entities/{entity.pk}/").content.decode()
    assert "注销" in detail and f"/entities/{entity.pk}/deregister/" not in detail
    assert client.post(f"/entities/{entity.pk}/deregister/").status_code == 302  # again: no-op
    assert AuditEntry.objects.filter(action="entity.update").count() == 1


def test_users_without_manage_perm_cannot_reach_the_write_pages(db, station, make_user):
    entity = new(station)
    cadre = client_for(make_user(Role.CADRE, "370725001001"))
    assert "/entities/new/" not in cadre.get("/entities/").content.decode()
    detail = cadre.get(f"/entities/{entity.pk}/").content.decode()
    assert "/edit/" not in detail and "/licenses/new/" not in detail and "/deregister/" not in detail
    for url in ["/entities/new/", f"/entities/{entity.pk}/edit/", f"/entities/{entity.pk}/deregister/"]:
        assert cadre.get(url).status_code == 403, url
    for url in [f"/entities/{entity.pk}/deregister/", f"/entities/{entity.pk}/licenses/new/"]:
        assert cadre.post(url, {"kind": "filing", "number": "x"}).status_code == 403, url
    # a manager elsewhere gets 404: the entity's existence does not leak
    outsider = client_for(make_user(Role.STATION_STAFF, "370304001"))
    for url in [
        f"/entities/{entity.pk}/edit/",
        f"/entities/{entity.pk}/deregister/",
        f"/entities/{entity.pk}/people/new/",
    ]:
        assert outsider.get(url).status_code == 404, url
    entity.refresh_from_db()
    assert entity.status == "operating" and not License.objects.exists()


def licence(actor, entity, number, days):
    today = timezone.localdate()
    return services.add_license(
        actor=actor,
        entity=entity,
        kind="workshop",
        number=number,
        issued_on=today - datetime.timedelta(days=1000),
        expires_on=today + datetime.timedelta(days=days),
    )


@pytest.fixture
def expiring(db, station, make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    soon = new(station, name="二十天后到期饭店")
    later = new(station, name="七十五天后到期饭店", address="站前街 2 号")
    elsewhere = new(county, name="乔官镇十天后到期饭店", region_code="370725107201")
    licence(station, soon, "鲁作坊 020", 20)
    licence(station, later, "鲁作坊 075", 75)
    licence(county, elsewhere, "鲁作坊 010", 10)
    licence(station, later, "鲁作坊 expired", -3)  # already expired: not "expiring"
    return county


def test_expiring_page_by_days_and_jurisdiction(db, station, expiring):
    client = client_for(station)
    assert "/entities/licenses/expiring/" in client.get("/entities/").content.decode()
    page = client.get("/entities/licenses/expiring/?days=30").content.decode()
    assert "二十天后到期饭店" in page and "七十五天后到期饭店" not in page and "乔官镇" not in page
    assert "鲁作坊 020" in page and ">20<" in page  # days left
    page = client.get("/entities/licenses/expiring/?days=90").content.decode()
    assert "二十天后到期饭店" in page and "七十五天后到期饭店" in page and "乔官镇十天后到期饭店" not in page
    assert page.index("二十天后到期饭店") < page.index("七十五天后到期饭店")
    assert "鲁作坊 expired" not in page
    # the county sees both townships, with a count per township on top
    page = client_for(expiring).get("/entities/licenses/expiring/?days=90").content.decode()
    summary = page[page.index('data-testid="expiring-by-area"') :]
    summary = summary[: summary.index("</ul>")]
    assert "宝都街道</span><strong>2<" in summary and "乔官镇</span><strong>1<" in summary
    assert page.index("乔官镇十天后到期饭店") < page.index("二十天后到期饭店")
    # a deregistered entity needs no renewal reminder
    services.deregister_entity(actor=station, entity=Entity.objects.get(name="二十天后到期饭店"))
    assert "二十天后到期饭店" not in client.get("/entities/licenses/expiring/").content.decode()


def test_api_expiring_licences(db, station, expiring):
    client = client_for(station)
    body = client.get("/api/v1/entities/licenses/expiring?days=30").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["number"] == "鲁作坊 020" and item["days_left"] == 20 and item["region_code"] == "370725001001"
    assert client.get("/api/v1/entities/licenses/expiring?days=90").json()["count"] == 2
    assert client_for(expiring).get("/api/v1/entities/licenses/expiring?days=90").json()["count"] == 3
    assert client.get("/api/v1/entities/licenses/expiring?days=-1").status_code == 422


def test_expiring_by_default_uses_the_regions_licence_expiry_rule(db, station, expiring):
    """Without `days`, the page and the API use the rule in force in the region (30 days by default)."""
    client = client_for(station)
    assert client.get("/api/v1/entities/licenses/expiring").json()["count"] == 1
    DeadlineRule.objects.create(
        code="entities.licence_expiry_days", name="宝都街道到期提醒", region_prefix="370725001", version=1,
        unit="CD", amount=80, valid_from=datetime.date(2026, 1, 1),
    )  # fmt: skip
    assert client.get("/api/v1/entities/licenses/expiring").json()["count"] == 2
    assert client.get("/api/v1/entities/licenses/expiring?days=30").json()["count"] == 1
    page = client.get("/entities/licenses/expiring/").content.decode()
    assert "七十五天后到期饭店" in page
    assert client_for(expiring).get("/api/v1/entities/licenses/expiring").json()["count"] == 2  # the county's 30


def test_api_delete_deregisters(db, station, make_user):
    entity = new(station)
    assert (
        client_for(make_user(Role.STATION_STAFF, "370304001")).delete(f"/api/v1/entities/{entity.pk}").status_code
        == 404
    )
    assert client_for(make_user(Role.CADRE, "370725001001")).delete(f"/api/v1/entities/{entity.pk}").status_code == 403
    entity.refresh_from_db()
    assert entity.status == "operating"
    r = client_for(station).delete(f"/api/v1/entities/{entity.pk}")
    assert r.status_code == 200 and r.json()["status"] == "deregistered" and r.json()["id"] == entity.pk
    assert Entity.objects.filter(pk=entity.pk, status="deregistered").exists()
    assert AuditEntry.objects.get(action="entity.update").after["status"] == "deregistered"
