"""明厨亮灶 links from a spreadsheet (docs/inspections.md §6): entities found by USCC in the jurisdiction, all or
nothing, every problem naming its row and column."""

import datetime
import io

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from shian.core.models import AuditEntry, DeadlineRule
from shian.inspections.models import KitchenLink
from shian.inspections.services import kitchen_import

from .grading_world import grading_world, make_entity

pytestmark = pytest.mark.django_db
HEADERS = ["统一社会信用代码", "主体名称", "平台", "通道编号", "查看地址", "接入日期", "状态"]
USCC_A, USCC_B, USCC_FAR = "91370725MA3C000001", "91370725MA3C000002", "91370304MA3C000003"


@pytest.fixture
def gw(make_user):
    world = grading_world(make_user)
    make_entity(name="甲食堂", uscc=USCC_A, business_type="canteen", sub_type="school_canteen")
    make_entity(name="乙饭店", uscc=USCC_B)
    make_entity(name="博山饭店", uscc=USCC_FAR, region="370304001")
    return world


def xlsx(rows) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    for n, row in enumerate([HEADERS, *rows]):
        sheet.write_row(n, 0, row)
    book.close()
    return out.getvalue()


def test_a_good_file_creates_every_link(gw):
    data = xlsx([
        [USCC_A, "甲食堂", "阳光厨房", "CH-001", "https://live.example.com/1", "2026-01-05", "在线"],
        [USCC_B, "乙饭店", "阳光厨房", "CH-002", "", "2026/2/1", ""],
    ])  # fmt: skip
    assert kitchen_import.import_links(actor=gw.county_admin, data=data, filename="links.xlsx") == 2
    assert set(KitchenLink.objects.values_list("channel_id", "status")) == {("CH-001", "online"), ("CH-002", "online")}
    assert AuditEntry.objects.get(action="kitchen.import").after == {"file": "links.xlsx", "created": 2}


def test_one_bad_row_and_nothing_is_written_every_problem_named(gw):
    data = xlsx([
        [USCC_A, "甲食堂", "阳光厨房", "CH-001", "https://live.example.com/1", "2026-01-05", "在线"],
        [USCC_FAR, "博山饭店", "阳光厨房", "CH-002", "", "2026-01-05", ""],
        [USCC_B, "乙饭店", "阳光厨房", "CH-001", "ftp://x", "2026-01-05", ""],
    ])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        kitchen_import.import_links(actor=gw.county_admin, data=data, filename="links.xlsx")
    messages = exc.value.message_dict["file"]
    assert "第 3 行 A 列“统一社会信用代码”：辖区内没有该统一社会信用代码的主体" in messages
    assert "第 4 行 D 列“通道编号”：与第 2 行的平台和通道编号相同" in messages
    assert "第 4 行 E 列“查看地址”：查看地址应为 http:// 或 https:// 开头的网址。" in messages
    assert not KitchenLink.objects.exists()


def test_a_file_that_is_not_a_table_is_refused(gw):
    with pytest.raises(ValidationError) as exc:
        kitchen_import.import_links(actor=gw.county_admin, data=b"not a spreadsheet", filename="x.xlsx")
    assert exc.value.message_dict["file"]


def test_the_import_page(gw):
    client = Client()
    client.force_login(gw.station)
    assert client.get(reverse("inspections:kitchen_template")).status_code == 200
    bad = xlsx([[USCC_A, "甲食堂", "", "CH-9", "", "2026-01-05", ""]])
    response = client.post(reverse("inspections:kitchen_import"), {"file": io.BytesIO(bad)})
    assert response.status_code == 200
    good = io.BytesIO(xlsx([[USCC_A, "甲食堂", "阳光厨房", "CH-9", "", "2026-01-05", ""]]))
    good.name = "links.xlsx"
    response = client.post(reverse("inspections:kitchen_import"), {"file": good})
    assert response.status_code == 302 and KitchenLink.objects.count() == 1


def test_the_row_limit_is_the_regions_rule(gw):
    DeadlineRule.objects.create(code="inspections.kitchen_import_max_rows", name="导入上限", region_prefix="370725",
                                version=2, unit="n", amount=1, valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    data = xlsx([
        [USCC_A, "甲食堂", "阳光厨房", "CH-001", "", "2026-01-05", ""],
        [USCC_B, "乙饭店", "阳光厨房", "CH-002", "", "2026-01-05", ""],
    ])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        kitchen_import.import_links(actor=gw.county_admin, data=data, filename="links.xlsx")
    assert exc.value.message_dict["file"] == ["一次最多导入 1 条，请分批导入。"]
    assert not KitchenLink.objects.exists()
