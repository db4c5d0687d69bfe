"""The template a clerk downloads and the error report they get back, read as Excel would read them."""

import datetime
import io
import pathlib
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from shian.imports import workbooks
from shian.imports.cells import CellError
from shian.imports.specs import ColumnType
from shian.imports.workbooks import error_report_xlsx, template_xlsx, write_error_report
from shian.ledgers.reading import read_ledger
from shian.ledgers.specs import CADRES, ENTITIES, SPECS

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def grid(data: bytes, name: str) -> list[list]:
    return CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def part(data: bytes, name: str) -> ElementTree.Element:
    return ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def comments(data: bytes, sheet: int = 1) -> dict[str, str]:
    """Cell reference -> comment text of worksheet number `sheet`."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    rels = archive.read(f"xl/worksheets/_rels/sheet{sheet}.xml.rels").decode()
    target = rels.split("../comments")[1].split('"')[0]
    root = ElementTree.fromstring(archive.read(f"xl/comments{target}"))
    return {
        c.get("ref"): "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
        for c in root.iter(f"{{{NS['m']}}}comment")
    }


def styles(data: bytes, sheet: int = 1) -> dict[str, int]:
    """Cell reference -> style index."""
    root = part(data, f"xl/worksheets/sheet{sheet}.xml")
    return {c.get("r"): int(c.get("s", 0)) for c in root.iter(f"{{{NS['m']}}}c")}


def red_styles(data: bytes) -> set[int]:
    """Style indexes filled with Excel's "Bad" red."""
    root = part(data, "xl/styles.xml")
    fills = [i for i, fill in enumerate(root.find("m:fills", NS)) if "FFC7CE" in ElementTree.tostring(fill).decode()]
    return {i for i, xf in enumerate(root.find("m:cellXfs", NS)) if int(xf.get("fillId", 0)) in fills}


# ------------------------------------------------------------------------------------------------ template


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_template_sheets_headers_and_example(spec):
    data = template_xlsx(spec)
    book = CalamineWorkbook.from_object(io.BytesIO(data))
    assert [(m.name, m.visible) for m in book.sheets_metadata] == [
        (spec.label(), SheetVisibleEnum.Visible),
        ("填写说明", SheetVisibleEnum.Visible),
        ("下拉选项", SheetVisibleEnum.Hidden),
    ]
    header, example = grid(data, spec.label())[:2]
    assert header == [("*" if c.required else "") + c.label() for c in spec.columns]
    for column, value in zip(spec.columns, example, strict=True):
        if column.type == ColumnType.DATE and column.example:
            assert value == datetime.date.fromisoformat(column.example)
        elif column.type in (ColumnType.ID, ColumnType.TEXT, ColumnType.ENUM):
            assert value == column.example  # codes are text, never 9.1E+17
    cells = styles(data)
    assert cells["A2"] not in (0, cells["A1"])  # the example row has its own look


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_template_notes_and_dropdowns(spec):
    data = template_xlsx(spec)
    notes = comments(data)
    for index, column in enumerate(spec.columns):
        note = notes[f"{chr(65 + index)}1"]
        assert note.startswith(column.label()) and ("必填" if column.required else "选填") in note
        if column.note:
            assert column.note in note
    validations = part(data, "xl/worksheets/sheet1.xml").find("m:dataValidations", NS)
    by_range = {v.get("sqref"): v for v in validations}
    lists = grid(data, "下拉选项")
    enums = [c for c in spec.columns if c.type == ColumnType.ENUM]
    assert lists[0][: len(enums)] == [c.label() for c in enums]
    for index, column in enumerate(spec.columns):
        rule = by_range.get(f"{chr(65 + index)}2:{chr(65 + index)}1048576")
        if column.type == ColumnType.ENUM:
            assert rule.get("type") == "list" and "下拉选项" in rule.find("m:formula1", NS).text
            position = enums.index(column)
            assert [row[position] for row in lists[1 : len(column.choices) + 1]] == column.choice_labels()
        elif column.type == ColumnType.DATE:
            assert rule.get("type") == "date"


def test_template_guide_lists_every_column():
    data = template_xlsx(ENTITIES)
    rows = grid(data, "填写说明")
    assert "模板第 1 版" in rows[0][0]
    assert any("至少填写一项" in row[0] for row in rows)
    table = {row[0]: row for row in rows if row[0] in {c.label() for c in ENTITIES.columns}}
    assert set(table) == {c.label() for c in ENTITIES.columns}
    assert table["业态"][1:4] == ["必填", "下拉选择", "、".join(ENTITIES.column("business_type").choice_labels())]
    assert table["发证日期"][2] == "日期"


def test_ledger_template_command(tmp_path):
    out = tmp_path / "personnel.xlsx"
    call_command("ledger_template", "--kind", "personnel", str(out), stdout=io.StringIO())
    sheet = read_ledger(out, out.name, "personnel")
    assert (sheet.rows, sheet.example_row) == ([], 2)
    with pytest.raises(CommandError, match="无法写入"):
        call_command("ledger_template", "--kind", "cadres", str(tmp_path / "missing" / "t.xlsx"), stdout=io.StringIO())


# -------------------------------------------------------------------------------------------- error report


def test_error_report_copies_the_file_and_marks_bad_cells():
    sheet = read_ledger(FIXTURES / "entities_title_rows.xlsx", "t.xlsx", ENTITIES)
    extra = [
        sheet.cell_error(4, "uscc", "checksum", "统一社会信用代码第18位校验码应为 9", sheet.rows[0]["uscc"]),
        CellError(5, "", "", "duplicate", "与第 4 行是同一主体"),  # a row-level finding names no column
    ]
    errors = sheet.errors + extra
    data = error_report_xlsx(sheet, errors)
    book = CalamineWorkbook.from_object(io.BytesIO(data))
    assert book.sheet_names == ["2024年主体台账", "错误清单"]

    copy = grid(data, "2024年主体台账")
    assert copy[0][0] == "昌乐县食品经营主体包保台账（2024年）"  # title rows where they were
    assert copy[2][:3] == ["序号", "主体名称（必填）", "统一社会信用代码"] and copy[2][10] == "错误说明"
    for row in sheet.rows:  # every row at its own row number, cells as they were
        assert copy[row.number - 1][: len(row.raw)] == row.raw
    assert copy[6][10] == "；".join(e.message for e in errors if e.row == 7)
    assert copy[4][10] == "与第 4 行是同一主体"
    assert copy[3][10] == "统一社会信用代码第18位校验码应为 9"
    assert copy[7][10] == "；".join(e.message for e in errors if e.row == 8)

    red = red_styles(data)
    cells = styles(data)
    assert {ref for ref, style in cells.items() if style in red} == {"C4", "D7", "J7", "J8", "E8"}
    notes = comments(data)
    assert set(notes) == {"C4", "D7", "J7", "J8", "E8"}
    assert notes["D7"] == sheet.errors[0].message

    listed = grid(data, "错误清单")
    assert listed[0] == ["行号", "列名", "值", "规则", "说明"]
    assert [row[:4] for row in listed[1:]] == [
        [4.0, "统一社会信用代码", "91440101MA5CJQ4N59", "校验码"],
        [5.0, "", "", "duplicate"],
        [7.0, "业态*", "快餐", "可选值"],
        [7.0, "有效期至", "2024-02-30", "日期"],
        [8.0, "经营　地址", "", "必填"],
        [8.0, "有效期至", "长期", "日期"],
    ]


def test_a_fixed_report_reads_back_like_the_upload():
    sheet = read_ledger(FIXTURES / "entities_title_rows.xlsx", "t.xlsx", ENTITIES)
    again = read_ledger(error_report_xlsx(sheet, sheet.errors), "report.xlsx", ENTITIES)
    assert again.rows == sheet.rows and [r.number for r in again.rows] == [r.number for r in sheet.rows]
    assert again.errors == sheet.errors
    assert again.ignored_headers == ["序号", "错误说明"]


def test_numbers_that_lost_digits_stay_as_they_were():
    sheet = read_ledger(FIXTURES / "cadres_scientific_ids.xlsx", "ids.xlsx", CADRES)
    data = error_report_xlsx(sheet, sheet.errors)
    copy = grid(data, "干部")
    assert copy[1][1] == 1.1e17 and copy[4][1] == "4.40524E+17"
    cells, red = styles(data), red_styles(data)
    assert [ref for ref in ("B2", "B3", "B4", "B5", "B6", "B7") if cells[ref] in red] == ["B2", "B3", "B4", "B5"]


def test_duplicated_header_cell_is_marked():
    sheet = read_ledger(FIXTURES / "assignments_duplicate_header.xlsx", "dup.xlsx", "assignments")
    data = error_report_xlsx(sheet, sheet.errors)
    cells, red = styles(data), red_styles(data)
    assert cells["F1"] in red and cells["D1"] not in red
    assert "F1" in comments(data)


def test_report_of_rows_given_as_dicts(tmp_path):
    rows = [
        {"name": "王磊", "id_number": "440524188001010014", "level": "village", "region_code": "370725001001"},
        {"name": "", "id_number": "110105194912310021", "level": "city", "region_code": "37"},
    ]
    errors = [
        CellError(3, "姓名", "", "required", "“姓名”不能为空", "name"),
        CellError(3, "身份证号", rows[1]["id_number"], "checksum", "第18位校验码应为 X", "id_number"),
    ]
    out = tmp_path / "report.xlsx"
    assert write_error_report(out, rows, errors, spec=CADRES) == 2
    copy = grid(out.read_bytes(), "包保干部台账")
    assert copy[0][: len(CADRES.columns)] == [c.label() for c in CADRES.columns]
    assert copy[2][:3] == ["", "110105194912310021", ""]
    assert set(comments(out.read_bytes())) == {"A3", "B3"}


def test_comments_are_capped_but_every_bad_cell_is_coloured(monkeypatch):
    monkeypatch.setattr(workbooks, "MAX_COMMENTS", 2)
    sheet = read_ledger(FIXTURES / "cadres_scientific_ids.xlsx", "ids.xlsx", CADRES)
    data = error_report_xlsx(sheet, sheet.errors)
    assert len(comments(data)) == 2
    cells, red = styles(data), red_styles(data)
    assert sum(1 for style in cells.values() if style in red) == 4
