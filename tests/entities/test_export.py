"""xlsx export of the entity list: same filters and scope as the page, phones masked, audited, bulk reads."""

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.entities import services
from shian.reports.xlsx import CONTENT_TYPE, Column, write_xlsx

HEADER = [
    "主体名称", "统一社会信用代码", "业态", "细分类型", "所属区划", "区划代码", "经营地址", "经营状态", "包保等级",
    "许可证编号", "许可证有效期至", "负责人", "负责人电话", "经度", "纬度",
]  # fmt: skip


@pytest.fixture
def station(make_user):
    return make_user(Role.STATION_STAFF, "370725001")


@pytest.fixture
def county(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725")


def new(actor, name, **extra):
    data = {
        "name": name,
        "business_type": "catering",
        "sub_type": "small_restaurant",
        "address": f"{name}地址",
        "region_code": "370725001001",
    }
    return services.create_entity(actor=actor, **{**data, **extra})


def sheet_rows(content: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


def download(user, query: str = "") -> tuple:
    client = Client()
    client.force_login(user)
    response = client.get(f"/entities/export/{query}")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


@pytest.fixture
def registry(db, station, county):
    today = timezone.localdate()
    restaurant = new(
        station, "老王饭店", uscc="91440101MA5CJQ4N59", longitude=Decimal("118.839"), latitude=Decimal("36.7")
    )
    services.add_license(
        actor=station,
        entity=restaurant,
        kind="JY",
        number="JY23707250012345",
        issued_on=today - datetime.timedelta(days=1000),
        expires_on=datetime.date(2030, 5, 1),
    )
    services.add_license(
        actor=station, entity=restaurant, kind="filing", number="备 001", expires_on=datetime.date(2027, 1, 1)
    )
    services.add_key_person(actor=station, entity=restaurant, role="safety_officer", name="安全员", phone="13900000000")
    services.add_key_person(actor=station, entity=restaurant, role="principal", name="王五", phone="13812345678")
    new(station, "小李面馆")
    new(station, "便民超市", business_type="sales", sub_type="supermarket")
    new(county, "乔官镇饭店", region_code="370725107201")  # another township: outside the station's scope
    return restaurant


def test_export_follows_filters_masks_phones_and_is_audited(db, station, registry):
    response, content = download(station, "?business_type=catering&page=3")
    assert response["Content-Type"] == CONTENT_TYPE
    assert ".xlsx" in response["Content-Disposition"] and "attachment" in response["Content-Disposition"]
    rows = sheet_rows(content)
    assert rows[0] == HEADER
    by_name = {row[0]: row for row in rows[1:]}
    assert sorted(by_name) == ["小李面馆", "老王饭店"]  # no supermarket (filter), no 乔官镇 (scope)
    row = dict(zip(HEADER, by_name["老王饭店"], strict=True))
    assert (
        row["统一社会信用代码"] == "91440101MA5CJQ4N59" and row["业态"] == "餐饮服务" and row["细分类型"] == "小型餐馆"
    )
    assert row["所属区划"] == "站前社区" and row["区划代码"] == "370725001001" and row["经营状态"] == "在营"
    assert row["许可证编号"] == "JY23707250012345" and row["许可证有效期至"] == datetime.date(2030, 5, 1)
    assert row["负责人"] == "王五" and row["负责人电话"] == "138****5678"
    assert row["经度"] == pytest.approx(118.839) and row["纬度"] == pytest.approx(36.7)
    assert b"13812345678" not in content and "13812345678" not in str(rows)
    empty = dict(zip(HEADER, by_name["小李面馆"], strict=True))
    assert empty["许可证编号"] == "" and empty["负责人电话"] == ""

    entry = AuditEntry.objects.get(action="entity.export")
    assert entry.actor == station and entry.region_code == "370725001"
    assert entry.after["count"] == 2 and entry.after["filters"] == {"business_type": "catering"}


def test_export_is_scoped_to_the_jurisdiction(db, station, county, registry):
    _, content = download(county)
    assert "乔官镇饭店" in {row[0] for row in sheet_rows(content)[1:]}
    _, content = download(station)
    names = {row[0] for row in sheet_rows(content)[1:]}
    assert names == {"老王饭店", "小李面馆", "便民超市"}
    # the region switcher narrows the county's export like its list
    client = Client()
    client.force_login(county)
    session = client.session
    session["current_region"] = "370725107"
    session.save()
    content = b"".join(client.get("/entities/export/").streaming_content)
    assert [row[0] for row in sheet_rows(content)[1:]] == ["乔官镇饭店"]


def test_export_reads_in_bulk(db, station, registry, django_assert_max_num_queries):
    for n in range(30):
        entity = new(station, f"批量饭店{n:02d}")
        services.add_key_person(actor=station, entity=entity, role="principal", name=f"负责人{n}", phone="13812345678")
        services.add_license(actor=station, entity=entity, kind="filing", number=f"备 1{n:02d}")
    out = io.BytesIO()
    # entities, their licences, their people and the audit insert: a few queries per 2,000 rows, not one per row
    with django_assert_max_num_queries(5):
        count = services.export_entities(actor=station, output=out, business_type="catering")
    assert count == 32 and len(sheet_rows(out.getvalue())) == 33


def test_writer_rolls_over_sheets_and_keeps_text_as_text():
    out = io.BytesIO()
    rows = [('=HYPERLINK("http://x")', n, datetime.date(2026, 1, n + 1), None) for n in range(5)]
    assert write_xlsx(out, [Column("名称"), Column("序号"), Column("日期"), Column("空")], rows, rows_per_sheet=2) == 5
    book = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
    assert len(book.sheet_names) == 3
    first = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert first[0] == ["名称", "序号", "日期", "空"]
    assert first[1] == ['=HYPERLINK("http://x")', 0.0, datetime.date(2026, 1, 1), ""]
