"""Reading ledgers as clerks send them: the ugly fixtures, cell parsing, the specs, and fuzzing."""

import csv
import datetime
import io
import pathlib
from decimal import Decimal

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shian.imports.cells import CellError, CellProblem, ImportFileError, column_letter, reader_for
from shian.imports.reading import Row, Sheet
from shian.imports.specs import ColumnType, header_text
from shian.imports.workbooks import template_xlsx
from shian.ledgers.reading import read_ledger
from shian.ledgers.specs import ASSIGNMENTS, CADRES, ENTITIES, PERSONNEL, SPECS

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
CODES = {"required", "format", "lost_digits", "date", "enum", "duplicate_header"}
IDS = ["11010519491231002X", "440524188001010014"]
USCC = "91440101MA5CJQ4N59"


def read(name: str, kind: str) -> Sheet:
    return read_ledger(FIXTURES / name, name, kind)


def values(sheet: Sheet, *keys: str) -> list[tuple]:
    return [tuple(row[key] for key in keys) for row in sheet.rows]


def errors(sheet: Sheet) -> list[tuple]:
    return [(e.row, e.column, e.code) for e in sheet.errors]


def xlsx_bytes(rows, *, sheet_name="Sheet1") -> bytes:
    """A one-sheet workbook with `rows` written by Python type (str as text, numbers as numbers, dates)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False})
    sheet = workbook.add_worksheet(sheet_name)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date_format)
            elif value is not None:
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------ the fixtures


def test_title_rows_merged_cells_dates_and_blank_tail():
    sheet = read("entities_title_rows.xlsx", "entities")
    assert (sheet.sheet_name, sheet.header_row) == ("2024年主体台账", 3)
    assert sheet.headers["name"] == "主体名称（必填）"  # the line break in the cell is gone, the text is the file's
    assert sheet.headers["uscc"] == "统一社会信用代码"
    assert sheet.headers["address"] == "经营　地址"
    assert sheet.headers["license_number"] == "许可证号"
    assert sheet.ignored_headers == ["序号"]
    # rows 9-80 hold only the running 序号 or formatting: not data
    assert [row.number for row in sheet.rows] == [4, 5, 6, 7, 8]
    assert values(sheet, "business_type", "baobao_grade", "region_code") == [
        ("catering", "D", "370725001001"),
        ("sales", "C", "370725107201"),
        ("canteen", "B", "370725001"),
        (None, "D", "370725001001"),
        ("sales", "D", "370725001001"),
    ]
    # an Excel date, 2024/3/5, 2024年3月5日, 20240305 and the serial 45356 are all the same kind of date
    assert values(sheet, "license_issued_on") == [
        (datetime.date(2023, 3, 6),),
        (datetime.date(2024, 3, 5),),
        (datetime.date(2024, 3, 5),),
        (datetime.date(2024, 3, 5),),
        (datetime.date(2024, 3, 5),),
    ]
    assert sheet.rows[2]["license_expires_on"] == datetime.date(2029, 3, 4)
    assert sheet.rows[3]["uscc"] is None and sheet.rows[3]["license_number"] == "370725摊001"
    assert errors(sheet) == [
        (7, "业态*", "enum"),
        (7, "有效期至", "date"),
        (8, "经营　地址", "required"),
        (8, "有效期至", "date"),
    ]
    enum = sheet.errors[0]
    assert enum.value == "快餐" and "餐饮服务" in enum.message and enum.key == "business_type"
    assert sheet.errors[1].value == "2024-02-30"
    assert sheet.errors[2].message == "“经营　地址”不能为空"


def test_hidden_sheet_first_and_data_sheet_last():
    sheet = read("cadres_hidden_first.xlsx", "cadres")
    assert sheet.sheet_name == "干部名单"  # not the hidden 2023 roster, not the notes, not the very hidden one
    assert values(sheet, "name", "level", "region_code", "is_regulator") == [
        ("张建国", "county", "370725", False),
        ("李秀英", "township", "370725001", None),
        ("王磊", "village", "370725001001", False),
        ("赵敏", "township", "370725001", True),
    ]
    assert sheet.rows[1]["phone"] == "0536-6212345"
    assert sheet.errors == []


@pytest.mark.parametrize(("name", "encoding"), [("cadres_gbk.csv", "gb18030"), ("cadres_utf8_bom.csv", "utf-8")])
def test_csv_in_gbk_and_utf8_with_bom(name, encoding):
    sheet = read(name, "cadres")
    assert (sheet.encoding, sheet.sheet_name, sheet.header_row) == (encoding, "", 2)
    assert sheet.headers["name"] == "姓名"  # no BOM glued to the first header
    assert values(sheet, "name", "id_number", "level", "region_code") == [
        ("张建国", "370725198503150015", "county", "370725"),
        ("李秀英", "370725199208080020", "township", "370725001"),
        ("王磊", "440524188001010014", "village", "370725001001"),
    ]
    assert [row.number for row in sheet.rows] == [3, 4, 5]
    assert sheet.errors == []


def test_ids_stored_as_numbers_are_reported_never_fixed():
    sheet = read("cadres_scientific_ids.xlsx", "cadres")
    lost = [(e.row, e.value) for e in sheet.errors if e.code == "lost_digits"]
    assert lost == [(2, "1.1E+17"), (3, "4.40101E+17"), (4, "1.10105E+17"), (5, "4.40524E+17")]
    assert all(e.column == "身份证号" and "15 位" in e.message for e in sheet.errors)
    assert [row["id_number"] for row in sheet.rows[:4]] == [None] * 4  # no guessed digits
    assert not [e for e in sheet.errors if e.code == "required"]  # the cell is reported once, for what it is
    # numbers that fit in 15 digits are exact: an old 15-digit ID, phones, region codes, 12.0 -> 12
    assert sheet.rows[4]["id_number"] == "110105491231002"
    assert values(sheet, "phone")[0] == ("13853600001",)
    assert values(sheet, "region_code", "capacity")[:3] == [("370725", 10), ("370725001", 12), ("370725001001", 8)]
    assert sheet.rows[3]["capacity"] == 6 and sheet.rows[5]["capacity"] is None


def test_full_width_codes_and_enum_aliases():
    sheet = read("personnel_fullwidth.xlsx", "personnel")
    assert values(sheet, "entity_uscc", "role", "id_number", "phone", "training_hours") == [
        ("91440101MA5CJQ4N59", "safety_director", "440524188001010014", "13700000000", 40),
        ("91440101MA5CJQ4N59", "safety_officer", "11010519491231002X", "13700000001", 24),
        ("91350200776049653A", "safety_officer", "370725198503150015", None, None),
    ]
    assert sheet.headers["entity_uscc"] == "统一社会信用代码（必填）"
    assert errors(sheet) == [(4, "培训学时", "format")]


def test_duplicated_header_uses_the_first_and_reports_the_second():
    sheet = read("assignments_duplicate_header.xlsx", "assignments")
    assert sheet.positions["cadre_id_number"] == 3
    assert values(sheet, "cadre_id_number") == [("440524188001010014",), ("370725199208080020",)]
    [error] = sheet.errors
    assert (error.row, error.column, error.code, error.key) == (1, "身份证号码", "duplicate_header", "cadre_id_number")
    assert "第 F 列" in error.message and "第 D 列" in error.message


def test_two_row_header_with_group_headers():
    sheet = read("entities_two_row_header.xlsx", "entities")
    assert sheet.header_row == 2
    assert set(sheet.headers) == {
        "name",
        "uscc",
        "business_type",
        "address",
        "region_code",
        "license_number",
        "license_issued_on",
        "license_expires_on",
    }
    [row] = sheet.rows
    assert row.number == 3
    assert (row["license_number"], row["license_expires_on"]) == ("JY23707250000015", datetime.date(2028, 3, 5))


def test_xls_with_hidden_sheet_first():
    sheet = read("entities.xls", "entities")
    assert (sheet.sheet_name, sheet.header_row) == ("主体台账", 2)
    assert values(sheet, "uscc", "region_code", "license_issued_on", "diners") == [
        ("91440101MA5CJQ4N59", "370725001001", datetime.date(2023, 3, 6), 40),
        ("91350200776049653A", "370725107201", datetime.date(2022, 5, 1), None),
    ]
    assert sheet.errors == []


def test_utf16_unicode_text():
    sheet = read("assignments_utf16.txt", "assignments")
    assert sheet.encoding == "utf-16"
    assert values(sheet, "entity_uscc", "cadre_id_number", "grade") == [
        ("91440101MA5CJQ4N59", "440524188001010014", "D")
    ]


@pytest.mark.parametrize(
    ("name", "kind", "words"),
    [
        ("truncated.xlsx", "cadres", ["truncated.xlsx", "不完整"]),
        ("cadres_missing_columns.xlsx", "cadres", ["工作表“干部”", "第 1 行", "“身份证号”、“包保层级”"]),
        ("not_a_ledger.xlsx", "cadres", ["not_a_ledger.xlsx", "包保干部台账", "“姓名”"]),
        ("html_table.xls", "cadres", ["html_table.xls", "网页"]),
        ("cadres_gbk.csv", "entities", ["主体台账", "“主体名称”"]),
    ],
)
def test_files_that_cannot_be_read_say_why(name, kind, words):
    with pytest.raises(ImportFileError) as info:
        read(name, kind)
    for word in words:
        assert word in info.value.message


def test_sources_bytes_path_and_file_objects():
    data = (FIXTURES / "cadres_gbk.csv").read_bytes()
    by_path = read_ledger(str(FIXTURES / "cadres_gbk.csv"), "a.csv", CADRES)
    by_bytes = read_ledger(data, "a.csv", CADRES)
    by_file = read_ledger(io.BytesIO(data), "a.csv", CADRES)
    assert by_path.rows == by_bytes.rows == by_file.rows
    with pytest.raises(ImportFileError, match="无法打开文件"):
        read_ledger(FIXTURES / "missing.xlsx", "missing.xlsx", CADRES)


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "empty.csv", "空文件"),
        (b"  \r\n", "empty.csv", "空文件"),
        (b"\x00\x01binary\x00junk", "photo.xlsx", "无法作为 Excel 文件打开"),
        (b"\x00\x01binary\x00junk", "photo.dat", "既不是 Excel 文件"),
        (b"PK\x03\x04" + b"\x00" * 100, "a.xlsx", "无法作为 Excel 文件打开"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "a.xls", "无法作为 Excel 文件打开"),
        (b"\xef\xbb\xbf<?xml version='1.0'?><Workbook/>", "a.xls", "网页"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "a.xlsx", "密码保护"),
    ],
)
def test_bad_bytes(data, name, words):
    with pytest.raises(ImportFileError, match=words):
        read_ledger(data, name, CADRES)


def test_stray_far_cell_is_refused_not_a_crash():
    """calamine would allocate the whole A1:XFD1048576 rectangle; the trial opening dies in its place."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号", "包保层级", "区划代码"])
    sheet.write_string(1_048_575, 16_383, "误填")
    workbook.close()
    with pytest.raises(ImportFileError, match="数据范围过大"):
        read_ledger(buffer.getvalue(), "far.xlsx", CADRES)


def test_tab_separated_text_with_excel_suffix():
    text = "姓名\t身份证号\t包保层级\t区划代码\r\n王磊\t440524188001010014\t村级\t370725001001\r\n"
    sheet = read_ledger(text.encode("gbk"), "roster.xls", CADRES)
    assert values(sheet, "name", "level") == [("王磊", "village")]


# ------------------------------------------------------------------------------------- headers and rows


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("统一社会信用代码", "统一社会信用代码"),
        (" *统一社会\n信用代码 ", "统一社会信用代码"),
        ("统一社会信用代码（必填）", "统一社会信用代码"),
        ("统一社会信用代码(必填)*", "统一社会信用代码"),
        ("身份证号　", "身份证号"),
        ("ＩＤ", "id"),
    ],
)
def test_header_text(written, canonical):
    assert header_text(written) == header_text(canonical)


@pytest.mark.parametrize(
    "header",
    ["统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "社会统一信用代码", "统一社会信用代码/注册号"],
)
def test_uscc_header_aliases(header):
    rows = [["主体名称", "业态", "经营地址", "区划代码", header], ["惠民餐馆", "餐饮", "站前街", "370725", USCC]]
    assert read_ledger(xlsx_bytes(rows), "a.xlsx", ENTITIES).rows[0]["uscc"] == USCC


@pytest.mark.parametrize("header", ["身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码"])
def test_id_number_header_aliases(header):
    data = xlsx_bytes(
        [["姓名", header, "包保层级", "区划代码"], ["王磊", "440524188001010014", "村级", "370725001001"]]
    )
    assert read_ledger(data, "a.xlsx", CADRES).rows[0]["id_number"] == "440524188001010014"


def test_header_found_below_notes_and_data_read_with_excel_row_numbers():
    rows = [["包保干部台账"], [], ["说明：身份证号请设为文本"], ["姓名", "身份证号", "包保层级", "区划代码"]]
    rows += [["王磊", "440524188001010014", "村级", "370725001001"], [], ["李秀英", IDS[1], "乡级", "370725001"]]
    sheet = read_ledger(xlsx_bytes(rows), "a.xlsx", CADRES)
    assert sheet.header_row == 4
    assert [row.number for row in sheet.rows] == [5, 7]  # the blank row 6 is skipped, numbering is Excel's
    assert len(sheet.preamble) == 3 and sheet.preamble[0][0] == "包保干部台账"


def test_the_best_matching_sheet_wins_over_workbook_order():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    workbook.add_worksheet("汇总").write_row(0, 0, ["姓名", "人数"])
    workbook.add_worksheet("名单").write_row(0, 0, ["姓名", "身份证号", "包保层级", "区划代码"])
    workbook.close()
    assert read_ledger(buffer.getvalue(), "a.xlsx", CADRES).sheet_name == "名单"


def test_one_of_group_required_per_row_and_per_header():
    data = xlsx_bytes(
        [
            ["统一社会信用代码", "许可证编号", "主体名称", "包保干部身份证号", "包保干部姓名", "包保等级"],
            ["", "", "惠民餐馆", "440524188001010014", "王磊", "D"],
            ["", "JY23707250000015", "惠民餐馆", "440524188001010014", "王磊", "D"],
        ]
    )
    sheet = read_ledger(data, "a.xlsx", ASSIGNMENTS)
    [error] = sheet.errors
    assert (error.row, error.code, error.column) == (2, "required", "统一社会信用代码")
    assert "至少填写一项" in error.message
    with pytest.raises(ImportFileError, match="“统一社会信用代码”或“许可证编号”"):
        read_ledger(xlsx_bytes([["主体名称", "包保干部身份证号", "包保干部姓名", "包保等级"]]), "a.xlsx", ASSIGNMENTS)


def test_rows_keep_every_spec_key_and_the_raw_cells():
    sheet = read_ledger(
        xlsx_bytes([["序号", "姓名", "身份证号", "包保层级", "区划代码"], [1, "王磊", IDS[1], "村级", "370725001001"]]),
        "a.xlsx",
        CADRES,
    )
    [row] = sheet.rows
    assert isinstance(row, Row) and set(row) == {c.key for c in CADRES.columns}
    assert row["position"] is None
    assert row.raw == [1.0, "王磊", IDS[1], "村级", "370725001001"]
    assert sheet.positions == {"name": 1, "id_number": 2, "level": 3, "region_code": 4}


def test_template_example_row_is_skipped_only_when_untouched():
    for spec in SPECS.values():
        sheet = read_ledger(template_xlsx(spec), f"{spec.kind}.xlsx", spec)
        assert (sheet.rows, sheet.errors, sheet.example_row) == ([], [], 2)
    rows = [[c.label() for c in CADRES.columns], [c.example for c in CADRES.columns]]
    rows[1][0] = "王磊"
    sheet = read_ledger(xlsx_bytes(rows), "a.xlsx", CADRES)
    assert sheet.example_row is None and [r["name"] for r in sheet.rows] == ["王磊"]


def test_sheet_helpers_for_validation():
    sheet = read("entities_title_rows.xlsx", "entities")
    error = sheet.cell_error(4, "uscc", "checksum", "校验码不对", "91440101MA5CJQ4N58")
    assert error == CellError(4, "统一社会信用代码", "91440101MA5CJQ4N58", "checksum", "校验码不对", "uscc")
    assert sheet.header("longitude") == "经度"  # not in the file: the spec's header
    assert (7, "business_type") in sheet.error_cells() and (8, "address") in sheet.error_cells()
    assert error.as_dict() == {
        "row": 4,
        "column": "统一社会信用代码",
        "value": "91440101MA5CJQ4N58",
        "code": "checksum",
        "message": "校验码不对",
    }
    made = Sheet.from_rows(CADRES, [{"name": "王磊", "level": "village"}])
    assert made.rows[0].number == 2 and made.rows[0]["name"] == "王磊" and made.rows[0]["phone"] is None


def test_column_letter():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702, 16383)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]


# ------------------------------------------------------------------------------------------ cell parsing


def parse(spec, key, raw):
    return reader_for(spec.column(key))(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (datetime.date(2024, 3, 5), datetime.date(2024, 3, 5)),
        (datetime.datetime(2024, 3, 5, 18, 0), datetime.date(2024, 3, 5)),
        (45356.0, datetime.date(2024, 3, 5)),
        (45356.75, datetime.date(2024, 3, 5)),
        ("45356", datetime.date(2024, 3, 5)),
        (20240305.0, datetime.date(2024, 3, 5)),
        ("2024-03-05", datetime.date(2024, 3, 5)),
        ("2024-3-5", datetime.date(2024, 3, 5)),
        ("2024/3/5", datetime.date(2024, 3, 5)),
        ("2024.03.05", datetime.date(2024, 3, 5)),
        ("2024年3月5日", datetime.date(2024, 3, 5)),
        ("２０２４年３月５日", datetime.date(2024, 3, 5)),
        ("20240305", datetime.date(2024, 3, 5)),
        ("2024-03-05 00:00:00", datetime.date(2024, 3, 5)),
        (" 2024/03/05 ", datetime.date(2024, 3, 5)),
        ("  ", None),
    ],
)
def test_dates(raw, expected):
    assert parse(ENTITIES, "license_issued_on", raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["2024-02-30", "长期", "2024年3月", "1850-01-01", "99999999", -3.0, 1e20, float("nan"), True, datetime.time(12)],
)
def test_bad_dates(raw):
    reader = reader_for(ENTITIES.column("license_issued_on"))
    with pytest.raises(CellProblem) as info:
        reader(raw)
    assert info.value.code == "date"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("９１４４０１０１ＭＡ５ＣＪＱ４Ｎ５９", "91440101MA5CJQ4N59"),
        (" 91440101 ma5cjq4n59 ", "91440101MA5CJQ4N59"),
        (370725001001.0, "370725001001"),
        (110105491231002.0, "110105491231002"),
        (12, "12"),
        ("", None),
    ],
)
def test_ids(raw, expected):
    assert parse(ENTITIES, "uscc", raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (1.1e17, "lost_digits"),
        (float(110105194912310000), "lost_digits"),
        (1e15, "lost_digits"),
        ("4.40101E+17", "lost_digits"),
        ("4.40101e+17", "lost_digits"),
        ("４.４０１０１Ｅ＋１７", "lost_digits"),
        (float("inf"), "format"),
        (datetime.date(2024, 1, 1), "format"),
    ],
)
def test_id_problems(raw, code):
    with pytest.raises(CellProblem) as info:
        parse(CADRES, "id_number", raw)
    assert info.value.code == code


def test_text_numbers_and_enums():
    assert parse(CADRES, "name", 12.0) == "12"
    assert parse(CADRES, "name", 12.5) == "12.5"
    assert parse(CADRES, "name", "  王磊 ") == "王磊"
    assert parse(CADRES, "capacity", "1,200") == 1200
    assert parse(CADRES, "capacity", "１２.０") == 12
    assert parse(ENTITIES, "floor_area", "80.5") == Decimal("80.5")
    assert parse(ENTITIES, "floor_area", 80.5) == Decimal("80.5")
    assert parse(ENTITIES, "longitude", 118.83) == Decimal("118.83")
    for raw in ("12.5", "八", True, float("nan"), "1e999999999", 1e300):
        with pytest.raises(CellProblem) as info:
            parse(CADRES, "capacity", raw)
        assert info.value.code == "format"
    for raw in ("x", "NaN", "Infinity", float("inf"), "-1e400"):
        with pytest.raises(CellProblem):
            parse(ENTITIES, "floor_area", raw)
    for word, value in [("乡镇（街道）级", "township"), ("街道级", "township"), ("市级", "city"), ("city", "city")]:
        assert parse(CADRES, "level", word) == value
    assert parse(CADRES, "is_regulator", "是") is True and parse(CADRES, "is_regulator", True) is True
    assert parse(ENTITIES, "baobao_grade", "b级") == "B"
    assert parse(ENTITIES, "business_type", "三小（小作坊、小餐饮、摊贩）") == "small"
    assert parse(ENTITIES, "business_type", "三小(小作坊、小餐饮、摊贩)") == "small"
    with pytest.raises(CellProblem) as info:
        parse(ENTITIES, "sub_type", "火锅店")
    assert info.value.code == "enum" and "等 33 项" in info.value.message


# ----------------------------------------------------------------------------------------------- specs


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_specs_are_consistent(spec):
    keys = [c.key for c in spec.columns]
    assert len(keys) == len(set(keys))
    seen: dict[str, str] = {}
    for column in spec.columns:
        for name in column.names():
            assert seen.setdefault(name, column.key) == column.key, f"{name} names two columns"
        if column.type == ColumnType.ENUM:
            assert column.choices
            labels = [str(choice.label) for choice in column.choices]
            assert len(set(labels)) == len(labels)
            assert reader_for(column)(_example_or_first(column)) is not None
        elif column.example:
            assert reader_for(column)(column.example) is not None  # the template's example is valid input
    for key in (*spec.identity, *(k for group in spec.one_of for k in group)):
        spec.column(key)
    assert any(c.required for c in spec.columns)


def _example_or_first(column):
    return column.example or str(column.choices[0].label)


def test_specs_follow_the_models():
    from shian.baobao.models import CadreLevel
    from shian.entities.models import BusinessType, KeyPerson, SubType

    assert {c.value for c in ENTITIES.column("business_type").choices} == set(BusinessType.values)
    assert {c.value for c in ENTITIES.column("sub_type").choices} == set(SubType.values)
    assert {c.value for c in CADRES.column("level").choices} == set(CadreLevel.values)
    assert {c.value for c in PERSONNEL.column("role").choices} == {
        KeyPerson.Role.SAFETY_DIRECTOR,
        KeyPerson.Role.SAFETY_OFFICER,
    }


# ----------------------------------------------------------------------------------------------- fuzzing

VALID_XLSX = (FIXTURES / "cadres_hidden_first.xlsx").read_bytes()
VALID_XLS = (FIXTURES / "entities.xls").read_bytes()
VALID_CSV = (FIXTURES / "cadres_gbk.csv").read_bytes()


@st.composite
def corrupted(draw, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["truncate", "flip", "overwrite", "insert", "delete"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "truncate":
            del data[position:]
        elif how == "flip" and data:
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif how == "overwrite" and data:
            data[position] = draw(st.integers(0, 255))
        elif how == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif how == "delete":
            del data[position : position + draw(st.integers(1, 64))]
    return bytes(data)


def reads_or_refuses(data: bytes, name: str, kind: str) -> None:
    try:
        sheet = read_ledger(data, name, kind)
    except ImportFileError as exc:
        assert exc.message and name in exc.message
        return
    assert all(error.code in CODES for error in sheet.errors)
    assert all(row.number > sheet.header_row for row in sheet.rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(corrupted(VALID_XLSX), corrupted(VALID_XLS)))
def test_fuzz_corrupted_excel_reads_or_refuses(data):
    reads_or_refuses(data, "fuzz.xlsx", "cadres")


@settings(max_examples=200, deadline=None)
@given(data=corrupted(VALID_CSV))
def test_fuzz_corrupted_csv_reads_or_refuses(data):
    reads_or_refuses(data, "fuzz.csv", "cadres")


CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["村级", "县级", "是", "2024-03-05", "4.40101E+17", "１２", "nan", "=1+1", "#N/A"]),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(datetime.date(1900, 3, 1), datetime.date(2200, 12, 31)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELL, max_size=len(CADRES.columns) + 2), max_size=12))
def test_fuzz_random_cells_in_a_real_header(rows):
    header = [column.label() for column in CADRES.columns]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, header)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, cells in enumerate(rows, start=1):
        for c, value in enumerate(cells):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(r, c, float(value))
            elif value is not None:
                sheet.write(r, c, value)
    workbook.close()
    reads_or_refuses(buffer.getvalue(), "cells.xlsx", "cadres")
    text = io.StringIO()
    csv.writer(text).writerows([header, *([("" if v is None else str(v)) for v in cells] for cells in rows)])
    reads_or_refuses(text.getvalue().encode("gb18030"), "cells.csv", "cadres")
