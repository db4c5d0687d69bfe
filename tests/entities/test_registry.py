import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.entities import selectors, services
from shian.entities.models import Entity

VALID = "91440101MA5CJQ4N59"
CHECKSUM_FAILS = "91350203M0001QAY9B"  # a real code whose printed check char is wrong (docs/domain.md §3.2)


@pytest.fixture
def station(make_user):
    return make_user(Role.STATION_STAFF, "370725001")


def new(actor, **extra):
    data = {
        "name": "昌乐县宝都街道老王饭店",
        "business_type": "catering",
        "sub_type": "small_restaurant",
        "address": "宝都街道站前街 12 号",
        "region_code": "370725001001",
    }
    return services.create_entity(actor=actor, **{**data, **extra})


def test_create_normalises_uscc_and_audits(db, station):
    entity = new(station, uscc=" ９１４４０１０１ma5cjq4n59 ")
    assert entity.uscc == VALID
    entry = AuditEntry.objects.get(action="entity.create")
    assert entry.region_code == "370725001001" and entry.after["uscc"] == VALID


def test_checksum_warning_needs_a_reason(db, station):
    with pytest.raises(ValidationError) as exc:
        new(station, uscc=CHECKSUM_FAILS)
    assert "例外说明" in " ".join(exc.value.message_dict["uscc"])
    entity = new(station, uscc=CHECKSUM_FAILS, override_reason="核对营业执照原件，代码如此")
    assert entity.uscc == CHECKSUM_FAILS and entity.uscc_override_reason.startswith("核对")


def test_charset_error_blocks_even_with_reason(db, station):
    with pytest.raises(ValidationError) as exc:
        new(station, uscc="91440101MA5CJQ4NI9", override_reason="坚持")
    assert "uscc" in exc.value.message_dict
    assert not Entity.objects.exists()


def test_same_uscc_twice_is_refused(db, station):
    new(station, uscc=VALID)
    with pytest.raises(ValidationError) as exc:
        new(station, uscc=VALID, name="另一家")
    assert "已登记" in exc.value.message_dict["uscc"][0]


def test_likely_duplicates_are_flagged(db, station):
    a = new(station, name="潍坊市昌乐鑫源食品有限责任公司", address="宝都街道 站前街12号")
    b = new(station, name="潍坊市昌乐鑫源食品（有限公司）", address="宝都街道站前街１２号")
    new(station, name="完全不同的超市", address="宝都街道站前街12号")
    assert list(selectors.likely_duplicates(user=station, entity=a)) == [b]


def test_jurisdiction_and_role(db, station, make_user):
    with pytest.raises(Http404):
        new(station, region_code="370725107201")  # another township's village
    with pytest.raises(PermissionDenied):
        new(make_user(Role.CADRE, "370725001001"))
    with pytest.raises(ValidationError) as exc:
        new(make_user(Role.COUNTY_ADMIN, "370725"), region_code="370725")
    assert "region_code" in exc.value.message_dict


def test_school_canteen_defaults_to_education(db, station):
    entity = new(station, business_type="canteen", sub_type="school_canteen", name="宝都小学食堂", diners=800)
    assert entity.department_id == "education"
    with pytest.raises(ValidationError) as exc:
        new(station, business_type="sales", sub_type="school_canteen", name="错配")
    assert "sub_type" in exc.value.message_dict


def test_licenses_and_search(db, station):
    entity = new(station, uscc=VALID)
    today = timezone.localdate()
    services.add_license(
        actor=station,
        entity=entity,
        kind="JY",
        number="JY23707250012345",
        issued_on=today - datetime.timedelta(days=1800),
        expires_on=today + datetime.timedelta(days=20),
    )
    with pytest.raises(ValidationError) as exc:
        services.add_license(actor=station, entity=entity, kind="SC", number="JY23707250012346")
    assert "number" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.add_license(
            actor=station,
            entity=entity,
            kind="workshop",
            number="鲁作坊备 001",
            issued_on=today,
            expires_on=today - datetime.timedelta(days=1),
        )
    assert "expires_on" in exc.value.message_dict
    other = new(station, name="另一家超市", business_type="sales", sub_type="supermarket")
    for q, expected in [("老王", [entity]), ("914401", [entity]), ("JY237072500", [entity]), ("超市", [other])]:
        assert list(selectors.entity_list(user=station, q=q)) == expected
    assert list(selectors.entity_list(user=station, license_expiring_days=30)) == [entity]
    assert list(selectors.entity_list(user=station, license_expiring_days=10)) == []


def test_key_person_id_is_validated(db, station):
    entity = new(station)
    with pytest.raises(ValidationError) as exc:
        services.add_key_person(
            actor=station, entity=entity, role="safety_director", name="李四", id_number="110105194912310021"
        )
    assert "id_number" in exc.value.message_dict
    person = services.add_key_person(
        actor=station,
        entity=entity,
        role="safety_director",
        name="李四",
        id_number="11010519491231002x",
        phone="13812345678",
    )
    assert person.id_number == "11010519491231002X"
    assert "id_number" not in AuditEntry.objects.get(action="key_person.create").after


def test_enterprise_user_sees_only_its_entity(db, station, make_user):
    mine, other = new(station), new(station, name="隔壁店")
    user = make_user(Role.ENTERPRISE, "370725001001", entity=mine)
    assert list(selectors.entity_list(user=user)) == [mine]
    with pytest.raises(Http404):
        selectors.entity_get(user=user, pk=other.pk)


def test_api_names_field_and_rule(db, station, make_user):
    client = Client()
    client.force_login(station)
    body = {
        "name": "接口新店",
        "business_type": "catering",
        "address": "宝都街道 1 号",
        "region_code": "370725001001",
        "uscc": "91440101MA5CJQ4N58",
    }
    r = client.post("/api/v1/entities", body, content_type="application/json")
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert err["field"] == "uscc" and "校验码" in err["message"]
    r = client.post("/api/v1/entities", {**body, "uscc": VALID}, content_type="application/json")
    assert r.status_code == 201
    pk = r.json()["id"]
    r = client.patch(f"/api/v1/entities/{pk}", {"status": "suspended"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    assert client.get("/api/v1/entities?q=接口").json()["count"] == 1
    outsider = Client()
    outsider.force_login(make_user(Role.STATION_STAFF, "370304001"))
    assert outsider.get(f"/api/v1/entities/{pk}").status_code == 404


def test_pages_list_search_and_mask(db, station):
    entity = new(station, uscc=VALID)
    services.add_key_person(
        actor=station, entity=entity, role="principal", name="王五", id_number="11010519491231002X", phone="13812345678"
    )
    client = Client()
    client.force_login(station)
    page = client.get("/entities/?q=老王").content.decode()
    assert "昌乐县宝都街道老王饭店" in page and "共 1 户" in page
    detail = client.get(f"/entities/{entity.pk}/").content.decode()
    assert "1101**********002X" in detail and "138****5678" in detail and "11010519491231002X" not in detail
    assert "新增主体" in detail and "entity.create" not in detail  # change history, by its label


def test_a_search_counts_its_matches_only_up_to_the_cap(db, station, settings):
    """A name search's total stops at SHIAN_SEARCH_COUNT_CAP ("超过 N 户"); the list without a search counts exactly,
    and the capped search still pages through the first matches in the list's order."""
    settings.SHIAN_SEARCH_COUNT_CAP = 3
    for i in range(5):
        Entity.objects.create(name=f"封顶饭店{i}", region_id="370725001")
    client = Client()
    client.force_login(station)
    page = client.get("/entities/?q=封顶").content.decode()
    assert "超过 3 户，请缩小查询范围" in page and "共 5 户" not in page
    assert sum(f"封顶饭店{i}" in page for i in range(5)) == 4  # the pages reach the first cap + 1 matches
    assert "共 5 户" in client.get("/entities/").content.decode()  # no search: the exact total
    settings.SHIAN_SEARCH_COUNT_CAP = 5
    assert "共 5 户" in client.get("/entities/?q=封顶").content.decode()  # at the cap the total is exact


def test_capped_paginator_pages_up_to_the_cap(db, station):
    from shian.core.paging import CappedPaginator

    for i in range(10):
        Entity.objects.create(name=f"分页饭店{i}", region_id="370725001")
    rows = Entity.objects.filter(name__startswith="分页").order_by("name")
    paginator = CappedPaginator(rows, 2, cap=5)
    assert paginator.count == 6 and paginator.capped and paginator.num_pages == 3
    assert [e.name for e in paginator.page(3)] == ["分页饭店4", "分页饭店5"]
    assert not CappedPaginator(rows.filter(name__lt="分页饭店4"), 2, cap=5).capped


def test_capped_paginator_under_the_cap_reads_pages_by_the_counted_keys(db, station):
    """Under the cap the count holds every match's key, and a page is read by those keys (docs/performance.md,
    entity search): the same rows in the same order as an exact paginator, orphans included."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shian.core.paging import CappedPaginator

    for i in (3, 0, 7, 1, 6, 2, 5, 4):
        Entity.objects.create(name=f"键页饭店{i}", region_id="370725001")
    Entity.objects.create(name="别家饭店", region_id="370725001")
    rows = Entity.objects.filter(name__startswith="键页").order_by("-name")
    capped, exact = CappedPaginator(rows, 3, cap=20, orphans=2), Paginator(rows, 3, orphans=2)
    assert not capped.capped and capped.count == 8 and capped.num_pages == exact.num_pages == 2
    for number in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            names = [e.name for e in capped.page(number)]
        assert names == [e.name for e in exact.page(number)]
        assert '"id" IN (' in queries.captured_queries[-1]["sql"]  # by the keys, not the search again
    assert names == ["键页饭店4", "键页饭店3", "键页饭店2", "键页饭店1", "键页饭店0"]  # the last page takes the orphans


def test_search_box_reads_what_was_typed(db, station):
    shop = new(station, name="7天便利店", business_type="sales", sub_type="small_shop", uscc=VALID)
    services.add_license(actor=station, entity=shop, kind="workshop", number="鲁370725食登000123")
    other = new(station, name="站前饭店", address="站前街 1 号")
    cases = [
        ("7天", [shop]),  # a name with a digit is still a name
        ("ｊｙ", []),  # full-width letters fold to a (licence) code
        ("91440101", [shop]),
        ("91440102", []),
        ("鲁370725食登0001", [shop]),
        ("370725食登", []),  # licence numbers match by prefix only
        ("饭店", [other]),
    ]
    for q, expected in cases:
        assert list(selectors.entity_list(user=station, q=q)) == expected, q
