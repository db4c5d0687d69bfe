"""A catalog version imported from Excel (docs/evaluation.md §1.1): the shipped catalog exported and imported back
as a new version keeps every total; each bad input the issue names comes back as a cell of the engine's report
(sheet, row, column, message) with nothing written; the CLI and the 食安办's upload page."""

import datetime
import io
import json

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from shian.accounts.models import Department, Role
from shian.core.models import AuditEntry
from shian.evaluation.models import Catalog, CatalogUpload, SubItem
from shian.evaluation.services import catalog as catalogs

pytestmark = pytest.mark.django_db

HEAD = ["细则版本", "细则名称", "发布机关", "适用起始年度", "适用截止年度", "总分"]
ITEMS = ["方面序号", "方面名称", "方面分值", "选做项计分个数", "项序号", "项名称", "项分值", "必选/选做", "计分小项数",
         "小项编号", "要求内容", "小项分值", "牵头部门", "配合部门", "启动日期", "频次", "可合理缺项", "否决项", "自动指标"]  # fmt: skip


def _rows():
    """A small catalog: 2 aspects (10 + 6 = 16 points), item 2 counts the best 2 of 3, one veto."""
    return [
        [1, "基础工作", 10, 0, 1, "党政同责", 4, "必选", 0, 1, "常委会研究", 2.5, "新部门", "市场监督管理局", "2026-01-05", "一次性", "否", "否", None],
        [None, None, None, None, None, None, None, None, None, 2, "每月调度", 1.5, "market_regulation", None, None, "每月", "否", "否", None],
        [1, None, None, None, 2, "三选二", 6, "必选", 2, 3, "学校食堂", 3, "education", None, None, None, "是", "否", None],
        [None, None, None, None, None, None, None, None, None, 4, "医院食堂", 3, "education", None, None, None, None, None, None],
        [None, None, None, None, None, None, None, None, None, 5, "养老机构", 3, "education", None, None, None, None, None, None],
        [2, "能力建设", 6, 0, 3, "队伍", 6, "必选", 0, 6, "执法装备", 6, "市场监督管理局", None, None, "每年", "否", "否", None],
        [None, None, None, None, None, None, None, None, None, 7, "重大事故", None, "新部门", None, None, None, None, "是", None],
    ]  # fmt: skip


def _write(sheets: dict[str, list[list]]) -> bytes:
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"strings_to_numbers": False}) as wb:
        dates = wb.add_format({"num_format": "yyyy-mm-dd"})
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if isinstance(value, datetime.date):
                        ws.write_datetime(r, c, value, dates)
                    elif value not in (None, ""):
                        ws.write(r, c, value)
    return out.getvalue()


def _book(head=None, rows=None, departments=(("new_dept", "新部门"),)) -> bytes:
    return _write({
        "细则信息": [HEAD, head or ["prov-2026", "某省细则", "某省食安办", 2026, 2027, 16]],
        "部门": [["部门编码", "部门名称"], *map(list, departments)],
        "评价项目": [ITEMS, *(rows if rows is not None else _rows())],
    })  # fmt: skip


def _edit(rows, row: int, column: str, value):
    rows[row - 2][ITEMS.index(column)] = value
    return rows


def test_the_small_workbook_loads_with_departments_resolved_by_name_or_code(regions):
    catalog, parsed = catalogs.load_workbook(_book(), "细则.xlsx")
    assert parsed.errors == [] and catalog is not None
    assert catalogs.summary(catalog) == {"catalog": "prov-2026", "aspects": 2, "items": 3, "sub_items": 7,
                                         "veto_items": 1, "max_points": 16.0}  # fmt: skip
    first = SubItem.objects.get(catalog=catalog, no=1)
    assert list(first.lead.values_list("code", flat=True)) == ["new_dept"]
    assert list(first.support.values_list("code", flat=True)) == ["market_regulation"]
    assert str(first.start) == "2026-01-05" and SubItem.objects.get(catalog=catalog, no=2).recurrence == "monthly"
    assert SubItem.objects.get(catalog=catalog, no=3).may_be_na and SubItem.objects.get(catalog=catalog, no=7).veto
    assert Department.objects.get(code="new_dept").name == "新部门"


def test_the_shipped_catalog_exported_and_imported_as_a_new_version_keeps_every_total(regions):
    shipped = catalogs.load(catalogs.read_file(catalogs.SHIPPED)[0])
    wb = CalamineWorkbook.from_filelike(io.BytesIO(catalogs.template_xlsx()))
    assert wb.sheet_names == ["细则信息", "部门", "评价项目"]
    sheets = {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}
    sheets["细则信息"][1][0] = "nm-2023-copy"  # what the clerk does first: a version of their own
    catalog, parsed = catalogs.load_workbook(_write(sheets), "copy.xlsx")
    assert parsed.messages() == []
    old, new = catalogs.summary(shipped), catalogs.summary(catalog)
    assert new == {**old, "catalog": "nm-2023-copy"} and (new["sub_items"], new["veto_items"]) == (111, 4)

    def shape(c):
        return [(s.no, s.item.no if s.item else None, s.points, s.start, s.recurrence, s.may_be_na, s.veto,
                 s.indicator, sorted(s.lead.values_list("code", flat=True)),
                 sorted(s.support.values_list("code", flat=True)))
                for s in SubItem.objects.filter(catalog=c).select_related("item").order_by("no")]  # fmt: skip

    assert shape(catalog) == shape(shipped)


def _refused(book: bytes):
    catalog, parsed = catalogs.load_workbook(book, "bad.xlsx")
    assert catalog is None and parsed.errors
    assert not Catalog.objects.exists() and not Department.objects.filter(code="new_dept").exists()
    return [(sheet.sheet_name, e.row, e.column, e.message) for sheet, e in parsed.errors]


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda r: _edit(r, 3, "小项编号", 1), ("评价项目", 3, "小项编号"), "第 1 小项：小项编号重复"),
        (lambda r: _edit(r, 2, "小项分值", 1), ("评价项目", 2, "项分值"), "第 1 项：小项分值合计 2.5 与项分值 4 不符"),
        (lambda r: _edit(r, 4, "计分小项数", 4), ("评价项目", 4, "计分小项数"), "第 2 项：计分小项个数 4 超过小项数 3"),
        (
            lambda r: _edit(r, 7, "方面分值", 7),
            ("评价项目", 7, "方面分值"),
            "第 2 方面：必选项分值加选做项计分合计 6 与方面分值 7 不符",
        ),
        (lambda r: _edit(r, 3, "牵头部门", "education、无名局"), ("评价项目", 3, "牵头部门"), "部门“无名局”未在部门表"),
        (lambda r: _edit(r, 7, "自动指标", "no_such_indicator"), ("评价项目", 7, "自动指标"), "第 6 小项："),
        (lambda r: _edit(r, 3, "频次", "每天"), ("评价项目", 3, "频次"), "“每天”不是可选的值"),
        (lambda r: _edit(r, 2, "启动日期", "2026-02-30"), ("评价项目", 2, "启动日期"), "不是有效的日期"),
        (lambda r: _edit(r, 4, "方面分值", 11), ("评价项目", 4, "方面分值"), "与第 2 行填写的“10”不一致"),
        (lambda r: _edit(r, 8, "项序号", 3), ("评价项目", 8, "项序号"), "否决项不属于任何方面和项"),
    ],
)
def test_a_bad_workbook_is_refused_cell_by_cell_and_nothing_is_written(regions, change, where, message):
    errors = _refused(_book(rows=change(_rows())))
    assert any(e[:3] == where and message in e[3] for e in errors), errors


def test_the_total_and_department_sheet_errors_point_at_their_own_sheets(regions):
    errors = _refused(_book(head=["prov-2026", "某省细则", "", 2026, 2027, 20],
                            departments=[("new_dept", "新部门"), ("Bad Code", "坏编码")]))  # fmt: skip
    assert ("细则信息", 2, "总分") in [e[:3] for e in errors]
    assert any(e[:3] == ("部门", 3, "部门编码") and "须为不超过 30 位" in e[3] for e in errors), errors


def test_a_version_already_loaded_is_refused_on_its_cell(regions):
    catalogs.load_workbook(_book(), "a.xlsx")
    catalog, parsed = catalogs.load_workbook(_book(), "b.xlsx")
    assert catalog is None and Catalog.objects.count() == 1
    assert [(s.sheet_name, e.row, e.column) for s, e in parsed.errors] == [("细则信息", 2, "细则版本")]
    assert "已载入" in parsed.errors[0][1].message


def test_the_command_loads_a_workbook_and_prints_the_cell_report_for_a_bad_one(regions, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(_book())
    out = io.StringIO()
    call_command("load_catalog", "--file", str(good), "--json", stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1]) == {"catalog": "prov-2026", "aspects": 2, "items": 3,
                                                         "sub_items": 7, "veto_items": 1, "max_points": 16.0}  # fmt: skip
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_book(head=["prov-2027", "x", "", 2026, 2027, 16], rows=_edit(_rows(), 3, "小项编号", 1)))
    out = io.StringIO()
    with pytest.raises(CommandError, match="评价细则未载入"):
        call_command("load_catalog", "--file", str(bad), "--json", stdout=out, stderr=out)
    assert "工作表“评价项目”第 3 行 J 列“小项编号”：第 1 小项：小项编号重复" in out.getvalue()
    assert not Catalog.objects.filter(version="prov-2027").exists()


@pytest.fixture
def office(make_user, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = make_user(Role.COUNTY_ADMIN, "370725", name="食安办")
    client.force_login(user)
    return user


def _upload(client, book: bytes, name="某省细则.xlsx"):
    return client.post("/evaluation/catalogs/", {"file": SimpleUploadedFile(name, book)})


def test_the_office_uploads_a_version_sees_it_listed_and_the_same_version_again_is_refused(office, client):
    page = client.get("/evaluation/")
    assert 'href="/evaluation/catalogs/"' in page.content.decode()
    response = _upload(client, _book())
    batch = CatalogUpload.objects.get()
    assert response.status_code == 302 and response.url == f"/evaluation/catalogs/uploads/{batch.pk}/"
    assert batch.status == CatalogUpload.Status.COMMITTED and batch.catalog.version == "prov-2026"
    assert batch.counts["sub_items"] == 7 and batch.created_by == office
    listing = client.get("/evaluation/catalogs/").content.decode()
    assert "prov-2026" in listing and "某省细则.xlsx" in listing
    assert AuditEntry.objects.filter(action="evaluation.catalog_upload", object_id=str(batch.pk)).exists()
    assert AuditEntry.objects.filter(action="evaluation.catalog_load").count() == 1

    _upload(client, _book(), "again.xlsx")
    again = CatalogUpload.objects.latest("id")
    assert again.status == CatalogUpload.Status.REJECTED and Catalog.objects.count() == 1
    assert [(e["sheet"], e["row"], e["column"]) for e in again.errors] == [("细则信息", 2, "细则版本")]


def test_a_bad_upload_shows_its_cells_and_the_report_marks_them(office, client):
    _upload(client, _book(rows=_edit(_rows(), 3, "小项编号", 1)))
    batch = CatalogUpload.objects.get()
    assert batch.status == CatalogUpload.Status.REJECTED and not Catalog.objects.exists()
    page = client.get(f"/evaluation/catalogs/uploads/{batch.pk}/").content.decode()
    assert "小项编号重复" in page and "评价项目" in page
    report = client.get(f"/evaluation/catalogs/uploads/{batch.pk}/report/")
    assert report.status_code == 200
    wb = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content)))
    assert wb.sheet_names == ["细则信息", "部门", "评价项目", "错误清单"]
    listed = wb.get_sheet_by_name("错误清单").to_python()
    assert listed[1][:3] == ["评价项目", 3, "小项编号"] and "小项编号重复" in listed[1][5]


def test_a_file_that_is_no_workbook_fails_with_a_message(office, client):
    _upload(client, b"not a workbook at all", "notes.xlsx")
    batch = CatalogUpload.objects.get()
    assert batch.status == CatalogUpload.Status.FAILED and "没有找到细则信息的表头" in batch.message


def test_the_template_is_the_shipped_catalog_and_only_the_office_may_load(office, client, make_user):
    response = client.get("/evaluation/catalogs/template/")
    wb = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert len(wb.get_sheet_by_name("评价项目").to_python()) == 1 + 111
    department = make_user(Role.DEPARTMENT_STAFF, "370725")
    client.force_login(department)
    assert client.get("/evaluation/catalogs/").status_code == 403
    assert _upload(client, _book()).status_code == 403
    assert not CatalogUpload.objects.exists() and "catalogs-link" not in client.get("/evaluation/").content.decode()
    with pytest.raises(PermissionDenied):
        catalogs.upload_workbook(actor=department, name="x.xlsx", data=_book())
