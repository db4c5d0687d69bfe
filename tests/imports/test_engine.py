"""The import engine as a new module sees it: a table declared as data, read from a real file, validated with
the module's own rules, reported cell by cell; and an engine that imports no domain app."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shian.imports.cells import CellError
from shian.imports.importer import Importer
from shian.imports.reading import read_sheet
from shian.imports.specs import Choice, Column, ColumnType, TableSpec
from shian.imports.workbooks import error_report_xlsx, template_xlsx

DOMAIN_APPS = ("accounts", "regions", "entities", "baobao", "ledgers", "visits", "duties", "knowledge", "dashboard")


class OddCode(ValidationError):
    """A module's own kind of error, reported under its own rule."""


def sample_code(value: str) -> str:
    if not value.startswith("S"):
        raise OddCode("样品编号应以 S 开头")
    return value


RESULTS = TableSpec(
    kind="lab_results",
    title="检验结果",
    identity=("code",),
    columns=(
        Column(
            "code", "样品编号", ColumnType.ID, required=True, aliases=("编号",), fold=str.upper, validate=sample_code
        ),
        Column(
            "verdict", "结论", ColumnType.ENUM, choices=(Choice("pass", "合格"), Choice("fail", "不合格", ("不达标",)))
        ),
        Column("tested_on", "检验日期", ColumnType.DATE),
        Column("value", "检测值", ColumnType.DECIMAL),
    ),
)


class ResultImporter(Importer):
    spec = RESULTS

    def rule_code(self, exc, default):
        return "odd" if isinstance(exc, OddCode) else default

    def check_row(self, row):
        self.check(row, "code")
        self.duplicates(["code"])
        return []


def test_a_table_declared_as_data_is_read_validated_and_reported():
    data = "2024年抽检结果\n编号,结论,检验日期,检测值\ns001,合格,2024/3/5,1.5\nX002,不达标,45000,abc\n".encode("gbk")
    sheet = read_sheet(data, "结果.csv", RESULTS)
    assert sheet.header_row == 2 and sheet.encoding == "gb18030"
    first, second = sheet.rows
    assert (first["code"], first["verdict"], first["tested_on"], first["value"]) == (
        "S001",
        "pass",
        datetime.date(2024, 3, 5),
        Decimal("1.5"),
    )
    assert second["verdict"] == "fail" and second["tested_on"] == datetime.date(2023, 3, 15)
    plan = ResultImporter(sheet, actor=None).plan()
    assert [(e.row, e.column, e.code) for e in plan.errors] == [(4, "检测值", "format"), (4, "编号", "odd")]
    assert plan.bad_rows == {4} and plan.unchanged == {3}
    report = error_report_xlsx(sheet, plan.errors)
    again = read_sheet(report, "报告.xlsx", RESULTS)  # the report reads back as the table, its notes column ignored
    assert [row["code"] for row in again.rows] == ["S001", "X002"]
    assert isinstance(again.errors[0], CellError)
    blank = read_sheet(template_xlsx(RESULTS), "模板.xlsx", RESULTS)
    assert blank.rows == [] and blank.errors == []


def test_the_engine_imports_no_domain_app_and_no_file_loops():
    grimp = pytest.importorskip("grimp")  # import-linter's graph library
    graph = grimp.build_graph("shian", include_external_packages=False)
    engine = sorted(m for m in graph.modules if m.startswith("shian.imports"))
    for module in engine:
        for app in DOMAIN_APPS:
            assert not graph.chain_exists(importer=module, imported=f"shian.{app}", as_packages=True), (module, app)
    users = [m for m in graph.modules if m.startswith(("shian.imports", "shian.ledgers", "shian.knowledge"))]
    for module in users:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported in users:
                assert not graph.chain_exists(importer=imported, imported=module), (module, imported)


CONTACTS = TableSpec(
    kind="contacts",
    title="联系人",
    identity=("name",),
    columns=(
        Column("name", "单位名称", ColumnType.TEXT, required=True),
        Column("phone", "联系人电话", ColumnType.ID, aliases=("联系人手机号", "手机号")),
        Column("person", "联系人", ColumnType.TEXT, aliases=("联系人姓名",)),
    ),
)


def test_a_group_row_with_merged_cells_qualifies_the_fields_under_it():
    """Systems export a group row (merged over its fields) above the field names: 联系人信息 / 姓名 is the
    contact's name; the same 手机号 under another group (值班人员) is another person's and is not read."""
    import io

    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output)
    sheet = book.add_worksheet()
    sheet.merge_range("A1:A2", "单位名称")
    sheet.merge_range("B1:C1", "值班人员信息")
    sheet.merge_range("D1:E1", "联系人信息")
    sheet.write_row(1, 1, ["姓名", "手机号", "姓名", "手机号"])
    sheet.write_row(2, 0, ["检测站", "13900000001", "13900000002", "王五", "13900000003"])
    book.close()
    sheet = read_sheet(output.getvalue(), "联系人.xlsx", CONTACTS)
    assert sheet.errors == [] and sheet.header_row == 2
    assert sheet.positions == {"name": 0, "person": 3, "phone": 4}
    assert dict(sheet.rows[0]) == {"name": "检测站", "phone": "13900000003", "person": "王五"}


def test_new_instance_is_what_the_constructor_builds(db):
    """The importers' fast constructor: every field at its default unless given, the object fresh and unsaved."""
    from shian.entities.models import Entity, License
    from shian.imports.importer import new_instance

    for model, values in ((Entity, {"name": "饭店", "region_id": "370725001001"}), (License, {"number": "JY1"})):
        built, constructed = new_instance(model, values), model(**values)
        for field in model._meta.concrete_fields:
            assert getattr(built, field.attname) == getattr(constructed, field.attname), field.attname
        assert built._state.adding and built._state.db is None and built.pk is None
    assert new_instance(Entity, {"region": None}).region_id is None  # not an attribute name: the constructor
