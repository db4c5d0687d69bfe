"""An export of the national 包保 platform imports as 主体台账 as it is: two header rows with merged group
cells, the platform's labels, and an address instead of a region code, the region read from the address.

The fixture, tests/ledgers/fixtures/entities_national_platform.xlsx, is a reconstruction of such an export
(its script, make_platform_fixture.py, says which labels were taken as the platform's)."""

import io
import pathlib

import pytest
from python_calamine import CalamineWorkbook

from shian.accounts.models import Role
from shian.entities.models import Entity, License
from shian.entities.validators import make_uscc
from shian.ledgers import services
from shian.ledgers.models import ImportBatch
from shian.regions.models import Region

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "entities_national_platform.xlsx"

# USCC -> the region its address names (the test tree of tests/conftest.py)
EXPECTED = {
    "91370725MA3P00013B": "370725001001",  # 山东省潍坊市昌乐县宝都街道站前社区站前街1号
    "91370725MA3P000216": "370725001",  # 昌乐县宝都街道新昌路88号
    "12370725MB2850009X": "370725001",  # 宝都街道办事处学府路2号
    "91370725MA3P0003XX": "370725107201",  # 潍坊市昌乐县乔官镇乔官村8号
    "91370725MA3P00048X": "370725107",  # 乔官镇驻地乔官大街5号
    "92370725MA3P00056M": "370725001001",  # 宝都站前社区居委会东50米
    "92370725MA3P00064G": "370725107201",  # 昌乐县乔官镇乔官村委会对面
    "92370725MA3P00072B": "370725107",  # 乔官镇政府西100米
}


@pytest.fixture
def admin(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725")


@pytest.fixture
def new_villages(regions):
    """A village called 新村 in each township: an address naming only 新村 could be either."""
    for code, township in (("370725001003", "370725001"), ("370725107202", "370725107")):
        Region.objects.create(code=code, name="新村村民委员会", level=5, parent_id=township)


def run(actor, data: bytes, name: str, mode: str = "commit") -> ImportBatch:
    batch = services.create_batch(actor=actor, kind="entities", name=name, data=data, mode=mode)
    return services.process_batch(batch)


def csv_file(header: str, *lines: str) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("gbk")


def uscc(n: int) -> str:
    return make_uscc(region="370725", org_base=f"MA7Q{n:04d}")


def test_platform_export_imports_without_retyping(admin):
    """Every business lands in the township its address names, and in the village when the address names one
    (short forms, committee names, with or without 省/市/县); the platform's labels fill the usual columns."""
    batch = run(admin, FIXTURE.read_bytes(), "包保主体清单.xlsx")
    assert batch.errors == [] and batch.status == "committed"
    assert batch.counts["created"] == len(EXPECTED)
    assert dict(Entity.objects.values_list("uscc", "region_id")) == EXPECTED
    canteen = Entity.objects.get(uscc="12370725MB2850009X")
    assert (canteen.business_type, canteen.declared_grade) == ("canteen", "B")  # 主体类别 单位食堂, 主体级别 B级
    assert Entity.objects.get(uscc="91370725MA3P00048X").business_type == "production"  # 食品生产企业
    assert License.objects.get(number="SC10637072500011").kind == "SC"
    again = run(admin, FIXTURE.read_bytes(), "包保主体清单.xlsx")
    assert (again.counts["created"], again.counts["updated"], again.counts["unchanged"]) == (0, 0, len(EXPECTED))


def test_platform_export_reads_the_cadre_under_its_own_group():
    """The same field names stand under 负责人信息 and 包保干部信息: each is read under its own group, so the
    entity's phone is the principal's and the 包保关系台账 reading takes the cadre's name and ID."""
    from shian.ledgers.reading import read_ledger
    from shian.ledgers.specs import ASSIGNMENTS, ENTITIES

    entities = read_ledger(FIXTURE, FIXTURE.name, ENTITIES)
    assert entities.errors == [] and entities.header_row == 4
    assert (entities.rows[0]["principal"], entities.rows[0]["phone"]) == ("王建国", "13853600101")
    assert "region_code" not in entities.positions
    assignments = read_ledger(FIXTURE, FIXTURE.name, ASSIGNMENTS)
    assert assignments.errors == []
    first = assignments.rows[0]
    assert (first["cadre_name"], first["cadre_id_number"], first["grade"]) == ("刘洋", "370725197203030121", "D")


def test_ambiguous_and_unknown_addresses_are_cell_errors_naming_the_candidates(admin, new_villages):
    """Without a region code, an address that could lie in two villages asks the clerk to confirm and names
    both; one that names no township or village of the jurisdiction, or only the county, is an error too.
    With skip_invalid the clear rows go in."""
    header = "主体名称,统一社会信用代码,业态,经营地址,许可证编号"
    data = csv_file(
        header,
        f"新村饭店,{uscc(1)},餐饮服务,昌乐县新村5号,JY23707250000101",
        f"朝阳饭店,{uscc(2)},餐饮服务,北京市朝阳区建国路1号,JY23707250000112",
        f"城关饭店,{uscc(3)},餐饮服务,昌乐县城关街100号,JY23707250000123",
        f"乔官新村饭店,{uscc(4)},餐饮服务,乔官镇新村5号,JY23707250000134",
    )
    batch = run(admin, data, "主体.csv", mode="skip_invalid")
    errors = {e["row"]: e for e in batch.errors}
    assert sorted(errors) == [2, 3, 4]
    ambiguous = errors[2]
    assert (ambiguous["column"], ambiguous["code"]) == ("经营地址", "address_ambiguous")
    assert "宝都街道 新村村民委员会（370725001003）" in ambiguous["message"]
    assert "乔官镇 新村村民委员会（370725107202）" in ambiguous["message"]
    assert "请确认" in ambiguous["message"]
    assert errors[3]["code"] == "address_unknown" and "北京市朝阳区建国路1号" in errors[3]["message"]
    assert errors[4]["code"] == "address_unknown" and "只能识别到昌乐县" in errors[4]["message"]
    assert dict(Entity.objects.values_list("name", "region_id")) == {"乔官新村饭店": "370725107202"}
    book = CalamineWorkbook.from_filelike(io.BytesIO(batch.report.read()))
    listed = book.get_sheet_by_name("错误清单").to_python()
    assert any("新村村民委员会" in str(cell) for line in listed for cell in line)


def test_an_empty_region_code_cell_is_read_from_the_address(admin, new_villages):
    """A file with a 区划代码 column takes the code where it is filled and the address where it is empty;
    an ambiguous address is then reported on the 区划代码 cell, where the clerk types the code."""
    header = "主体名称,统一社会信用代码,业态,经营地址,区划代码,许可证编号"
    data = csv_file(
        header,
        f"站前饭店,{uscc(5)},餐饮服务,宝都街道站前社区1号,,JY23707250000145",
        f"乔官饭店,{uscc(6)},餐饮服务,新村5号,370725107202,JY23707250000156",
        f"新村饭店,{uscc(7)},餐饮服务,新村8号,,JY23707250000167",
    )
    batch = run(admin, data, "主体.csv", mode="skip_invalid")
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [(4, "区划代码", "address_ambiguous")]
    assert dict(Entity.objects.values_list("name", "region_id")) == {
        "站前饭店": "370725001001",
        "乔官饭店": "370725107202",
    }


def test_an_address_is_read_only_against_the_importers_jurisdiction(make_user):
    """A township clerk's file naming another township's village is not placed there: the address is unknown
    inside that clerk's jurisdiction."""
    clerk = make_user(Role.TOWNSHIP_ADMIN, "370725001")
    header = "主体名称,统一社会信用代码,业态,经营地址,许可证编号"
    data = csv_file(
        header,
        f"乔官饭店,{uscc(8)},餐饮服务,昌乐县乔官镇乔官村1号,JY23707250000178",
        f"站前饭店,{uscc(9)},餐饮服务,站前社区居委会西20米,JY23707250000189",
    )
    batch = run(clerk, data, "主体.csv", mode="skip_invalid")
    assert [(e["row"], e["code"]) for e in batch.errors] == [(2, "address_unknown")]
    assert dict(Entity.objects.values_list("name", "region_id")) == {"站前饭店": "370725001001"}


def test_a_registered_entity_keeps_its_village_when_the_address_names_only_the_township(admin):
    """Importing a platform file again does not coarsen a region: the address 宝都街道… agrees with the
    entity's recorded village 站前社区, which stays."""
    header = "主体名称,统一社会信用代码,业态,经营地址,区划代码,许可证编号"
    run(
        admin,
        csv_file(header, f"站前饭店,{uscc(10)},餐饮服务,宝都街道站前路1号,370725001001,JY23707250000190"),
        "a.csv",
    )
    batch = run(admin, csv_file(header, f"站前饭店,{uscc(10)},餐饮服务,宝都街道站前路1号,,JY23707250000190"), "b.csv")
    assert batch.errors == [] and batch.counts["unchanged"] == 1
    assert Entity.objects.get(uscc=uscc(10)).region_id == "370725001001"


def test_the_upload_page_takes_a_platform_export(admin, django_capture_on_commit_callbacks):
    """The ledgers page says platform exports are taken as they are, and uploading one there commits it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(admin)
    page = client.get("/ledgers/")
    assert "落实食品安全属地管理责任平台" in page.content.decode()
    upload = SimpleUploadedFile("包保主体清单.xlsx", FIXTURE.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):  # the import task runs once the upload is saved
        response = client.post("/ledgers/", {"kind": "entities", "mode": "commit", "file": upload})
    assert response.status_code == 302
    assert dict(Entity.objects.values_list("uscc", "region_id")) == EXPECTED
