"""The shared list, letter and bundle helpers that 包保, duties and the dashboard print with."""

import datetime
import io
import zipfile

from shian.reports.bundles import zip_bundle
from shian.reports.documents import attachment, render_file
from shian.reports.letters import blank_table, checklist_table, letter, signature_lines


def test_checklist_table_numbers_items_and_adds_a_box_to_tick():
    block = checklist_table(
        ["序号", "检查项目", "检查内容", "检查结果"], [("证照", "在有效期内"), ("人员", "持证")], (10, 30, 90, 26)
    )
    assert [row[:3] for row in block.rows] == [("1", "证照", "在有效期内"), ("2", "人员", "持证")]
    assert all("□符合" in row[3] for row in block.rows)


def test_blank_table_has_numbered_empty_rows_to_write_in():
    block = blank_table(["序号", "问题", "措施"], (10, 70, 76), rows=3)
    assert block.rows == (("1", "", ""), ("2", "", ""), ("3", "", "")) and block.compact and block.row_height == 10


def test_letter_numbers_its_points_and_signs_as_confirmed_or_blank():
    confirmed = letter(
        "c", "承诺书", "本人承诺：", ["甲", "乙"], "特此承诺。", signer="张三", confirmed_on=datetime.date(2026, 3, 5)
    )
    texts = [b.text for b in confirmed.blocks if b.kind == "paragraph"]
    assert texts == ["本人承诺：", "一、甲", "二、乙", "特此承诺。"]
    assert confirmed.blocks[-1].lines == ("承诺人：张三", "已于 2026年3月5日 在线确认")
    assert "签字" in signature_lines("张三", None).lines[0]


def test_render_file_and_attachment():
    name, data = render_file([letter("c", "承诺书", "甲", [], "乙", signer="张三")], fmt="docx", title="t", stem="a/b")
    assert name == "a_b.docx" and data[:2] == b"PK"
    response = attachment(name, data)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "a_b.docx" in response["Content-Disposition"]


def test_zip_bundle_keeps_both_files_of_one_name():
    out = zip_bundle([("张三.docx", b"1", 7), ("李四.docx", b"2", 8), ("张三.docx", b"3", 9)])
    names = zipfile.ZipFile(io.BytesIO(out.read())).namelist()
    assert names == ["张三.docx", "李四.docx", "张三_9.docx"]
