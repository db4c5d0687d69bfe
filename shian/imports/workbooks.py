"""The workbooks a clerk gets back: the blank template of a table and the error report of an upload.

Both are drawn from the spec, so a template always reads back with :func:`~shian.imports.reading.read_sheet`,
and so does an error report after the clerk fixes the highlighted cells (its extra "错误说明" column is
ignored). Text is never turned into formulas or links (formula injection), as in shian.reports.xlsx. The
report streams row by row in XlsxWriter's constant_memory mode: rows are written in order, each bad cell's
comment right after its row, so 100,000 rows cost no more memory than the rows already read.
"""

from __future__ import annotations

import datetime
import decimal
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import IO

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from shian.reports.xlsx import EXCEL_MAX_ROWS

from .cells import RULE_LABELS, CellError, column_letter, display, reader_for
from .reading import Sheet
from .specs import Column, ColumnType, TableSpec

__all__ = ["error_report_sheets_xlsx", "error_report_xlsx", "template_xlsx", "write_error_report"]

_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
_BAD = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}  # Excel's own "Bad" cell style
_TYPE_LABELS = {
    ColumnType.TEXT: N_("文本"),
    ColumnType.ID: N_("文本（号码）"),
    ColumnType.DATE: N_("日期"),
    ColumnType.INT: N_("整数"),
    ColumnType.DECIMAL: N_("数字"),
    ColumnType.ENUM: N_("下拉选择"),
}
# Excel's own check on a template cell, and what it says when a typed value breaks it.
_TYPE_RULES = {
    ColumnType.DATE: (
        {
            "validate": "date",
            "criteria": "between",
            "minimum": datetime.date(1900, 1, 1),
            "maximum": datetime.date(2100, 12, 31),
        },
        N_("请填写 1900-01-01 至 2100-12-31 之间的日期，如 2024-03-05"),
    ),
    ColumnType.INT: ({"validate": "integer", "criteria": ">=", "value": 0}, N_("请填写不小于 0 的整数")),
    ColumnType.DECIMAL: ({"validate": "decimal", "criteria": ">=", "value": 0}, N_("请填写不小于 0 的数字")),
}
# Comments beyond this many are left out: Excel crawls opening a sheet with hundreds of thousands of them,
# and every bad cell is still coloured and its message still in the row's 错误说明 and the 错误清单 sheet.
MAX_COMMENTS = 10_000
_SHEET_NAME_BAD = str.maketrans("[]:*?/\\", "_______")


def _sheet_name(name: str) -> str:
    return str(name).translate(_SHEET_NAME_BAD)[:31] or "Sheet1"


# ------------------------------------------------------------------------------------------------ template


def template_xlsx(spec: TableSpec) -> bytes:
    """The blank table: headers (required ones starred, each with a comment), an example row in grey
    italics, dropdowns for enumerations, text-formatted code columns so Excel cannot turn an 18-digit ID
    into 1.1E+17, a "填写说明" sheet, and the dropdown lists on a hidden sheet."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, _OPTIONS)
    header = workbook.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1, "text_wrap": True})
    required_header = workbook.add_format(
        {"bold": True, "bg_color": "#EEF2F6", "border": 1, "text_wrap": True, "font_color": "#C00000"}
    )
    column_formats = {
        ColumnType.TEXT: workbook.add_format({"num_format": "@"}),
        ColumnType.ID: workbook.add_format({"num_format": "@"}),
        ColumnType.DATE: workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }
    example_style = {"italic": True, "font_color": "#7F7F7F", "bg_color": "#F2F2F2"}
    example_formats = {
        ColumnType.ID: workbook.add_format({**example_style, "num_format": "@"}),
        ColumnType.TEXT: workbook.add_format({**example_style, "num_format": "@"}),
        ColumnType.DATE: workbook.add_format({**example_style, "num_format": "yyyy-mm-dd"}),
    }
    example_default = workbook.add_format(example_style)

    sheet = workbook.add_worksheet(_sheet_name(spec.label()))
    guide = workbook.add_worksheet(_sheet_name(_("填写说明")))
    lists = workbook.add_worksheet(_sheet_name(_("下拉选项")))
    lists.hide()
    list_column = 0
    for col, column in enumerate(spec.columns):
        sheet.set_column(col, col, column.width, column_formats.get(column.type))
        label = column.label()
        sheet.write_string(
            0, col, f"*{label}" if column.required else label, required_header if column.required else header
        )
        sheet.write_comment(0, col, _header_comment(spec, column), {"x_scale": 2.4, "y_scale": 2})
        example = _example_value(column)
        if example is not None:
            fmt = example_formats.get(column.type, example_default)
            _write_value(sheet, 1, col, example, fmt, fmt)
        source = None
        if column.type == ColumnType.ENUM:
            labels = column.choice_labels()
            lists.write_string(0, list_column, label)
            for index, choice in enumerate(labels, start=1):
                lists.write_string(index, list_column, choice)
            letter = column_letter(list_column)
            source = f"='{lists.get_name()}'!${letter}$2:${letter}${len(labels) + 1}"
            list_column += 1
        validation = _validation(column, source)
        if validation:
            sheet.data_validation(1, col, EXCEL_MAX_ROWS - 1, col, validation)
    sheet.set_row(0, 32)
    sheet.freeze_panes(1, 0)
    sheet.activate()
    _write_guide(workbook, guide, spec)
    workbook.close()
    return output.getvalue()


def _validation(column: Column, source: str | None) -> dict | None:
    """Excel's rule for the column's cells, with the note shown when a cell is selected (Excel caps that
    prompt at 255 characters and its title at 32); None when there is nothing to check or say."""
    if column.type == ColumnType.ENUM:
        options = {"validate": "list", "source": source, "error_message": _("请从下拉列表中选择")}
    elif column.type in _TYPE_RULES:
        rule, message = _TYPE_RULES[column.type]
        options = {**rule, "error_message": _(message)}
    else:
        options = {"validate": "any"}
    if "error_message" in options:
        options["error_title"] = _("填写有误")[:32]
    if column.note:
        options.update(input_title=column.label()[:32], input_message=_(column.note)[:255])
    return options if len(options) > 1 else None


def _example_value(column: Column):
    """The example as the cell value Excel should hold (a date as a date, a number as a number)."""
    if not column.example:
        return None
    text = _(column.example)
    if column.type in (ColumnType.TEXT, ColumnType.ID, ColumnType.ENUM):
        return text
    return reader_for(column)(text)


def _header_comment(spec: TableSpec, column: Column) -> str:
    lines = [column.label() + (_("（必填）") if column.required else _("（选填）"))]
    for group in spec.one_of:
        if column.key in group:
            lines.append(
                _("%(columns)s至少填写一项") % {"columns": _("或").join(spec.column(k).label() for k in group)}
            )
    lines.append(_("格式：%(type)s") % {"type": _(_TYPE_LABELS[column.type])})
    if column.note:
        lines.append(_(column.note))
    if column.example:
        lines.append(_("示例：%(example)s") % {"example": _(column.example)})
    return "\n".join(lines)


def _write_guide(workbook, guide, spec: TableSpec) -> None:
    title = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
    guide.set_column(0, 0, 22)
    guide.set_column(1, 2, 12)
    guide.set_column(3, 3, 36)
    guide.set_column(4, 4, 48)
    guide.set_column(5, 5, 24)
    guide.write_string(
        0,
        0,
        _("%(ledger)s填写说明（模板第 %(version)d 版）") % {"ledger": spec.label(), "version": spec.version},
        title,
    )
    notes = [
        _("1. 第 1 行是表头，请不要修改列名；带 * 的列必须填写。列的顺序可以调整，不用的选填列可以删除。"),
        _("2. 第 2 行灰色斜体是示例，请覆盖或删除；原样保留的示例行在导入时会被忽略。"),
        _(
            "3. 身份证号、统一社会信用代码、许可证编号、电话等号码列已设为文本格式。从其他表格粘贴时请用"
            "“选择性粘贴—数值”，不要让 Excel 把号码变成 1.1E+17 这样的科学计数法，否则后几位数字会丢失且无法还原。"
        ),
        _("4. 日期请填写为 2024-03-05 的形式。"),
        _("5. 带下拉箭头的列请从列表中选择。"),
    ]
    for group in spec.one_of:
        notes.append(
            _("6. %(columns)s至少填写一项。") % {"columns": _("或").join(f"“{spec.column(k).label()}”" for k in group)}
        )
    for row, note in enumerate(notes, start=2):
        guide.write_string(row, 0, note)
    start = len(notes) + 3
    for col, heading in enumerate([_("列名"), _("是否必填"), _("格式"), _("可选值"), _("说明"), _("示例")]):
        guide.write_string(start, col, heading, bold)
    for row, column in enumerate(spec.columns, start=start + 1):
        guide.write_string(row, 0, column.label(), wrap)
        guide.write_string(row, 1, _("必填") if column.required else _("选填"), wrap)
        guide.write_string(row, 2, _(_TYPE_LABELS[column.type]), wrap)
        guide.write_string(row, 3, "、".join(column.choice_labels()), wrap)
        guide.write_string(row, 4, _(column.note) if column.note else "", wrap)
        guide.write_string(row, 5, _(column.example) if column.example else "", wrap)


# ------------------------------------------------------------------------------------------- error report


def error_report_xlsx(
    source: Sheet | Iterable[Mapping], errors: Iterable[CellError], *, spec: TableSpec | None = None
) -> bytes:
    """The error report as bytes; see :func:`write_error_report`."""
    output = io.BytesIO()
    write_error_report(output, source, errors, spec=spec)
    return output.getvalue()


def write_error_report(
    output: str | IO[bytes],
    source: Sheet | Iterable[Mapping],
    errors: Iterable[CellError],
    *,
    spec: TableSpec | None = None,
) -> int:
    """Write to ``output`` (a path or binary file) a copy of the uploaded data, every cell laid where it
    was in the file so row numbers and column letters match the clerk's own, each bad cell in red with a
    comment giving the message, an "错误说明" column summing up each row, and an "错误清单" sheet listing
    行号, 列名, 值, 规则, 说明. ``source`` is what :func:`read_sheet` returned, or rows as dicts by column
    key together with ``spec`` (laid out like the template). Returns the number of errors listed."""
    sheet = source if isinstance(source, Sheet) else Sheet.from_rows(spec, source)
    errors = sorted(errors, key=lambda e: (e.row, sheet.positions.get(e.key, -1), e.column))
    workbook = xlsxwriter.Workbook(output, {**_OPTIONS, "constant_memory": True})
    formats = _report_formats(workbook)
    _write_copy(workbook, sheet, errors, formats)
    _write_error_list(workbook, [(None, e) for e in errors], formats["header"])
    workbook.close()
    return len(errors)


def error_report_sheets_xlsx(parts: Iterable[tuple[Sheet, Iterable[CellError]]]) -> bytes:
    """The error report of a workbook read as several tables (an evaluation catalog: its header, departments
    and items, each a sheet): a copy of each sheet with its bad cells marked as in :func:`write_error_report`,
    and one "错误清单" sheet whose first column names the sheet of each error."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {**_OPTIONS, "constant_memory": True})
    formats = _report_formats(workbook)
    listed: list[tuple[str, CellError]] = []
    for sheet, errors in parts:
        errors = sorted(errors, key=lambda e: (e.row, sheet.positions.get(e.key, -1), e.column))
        _write_copy(workbook, sheet, errors, formats)
        listed += [(sheet.sheet_name or sheet.spec.label(), e) for e in errors]
    _write_error_list(workbook, listed, formats["header"], with_sheet=True)
    workbook.close()
    return output.getvalue()


def _report_formats(workbook) -> dict:
    return {
        "header": workbook.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1}),
        "header_bad": workbook.add_format({"bold": True, "border": 1, **_BAD}),
        "bad": workbook.add_format(_BAD),
        "bad_date": workbook.add_format({**_BAD, "num_format": "yyyy-mm-dd"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "note": workbook.add_format({"font_color": "#9C0006"}),
    }


def _cells_of(sheet: Sheet, error: CellError) -> list[int]:
    """The positions (indexes into Row.raw) an error points at; empty when it names no column of the file.
    A duplicated header points at the repeated cells, not at the first one that was read."""
    if error.code == "duplicate_header" and error.row == sheet.header_row:
        first = sheet.positions.get(error.key)
        return [p for p, text in sheet.column_texts.items() if text == error.column and p != first]
    if error.key in sheet.positions:
        return [sheet.positions[error.key]]
    return [p for p, text in sheet.column_texts.items() if text == error.column][:1]


def _write_copy(workbook, sheet: Sheet, errors: list[CellError], formats: dict) -> None:
    ws = workbook.add_worksheet(_sheet_name(sheet.sheet_name or sheet.spec.label()))
    offset = sheet.first_column
    width = max(
        [
            max(sheet.column_texts, default=-1) + 1,
            *(len(cells) for cells in sheet.preamble),
            *(len(r.raw) for r in sheet.rows),
        ]
    )
    note_col = offset + width
    by_key = {position: key for key, position in sheet.positions.items()}
    for position in range(width):
        key = by_key.get(position)
        ws.set_column(offset + position, offset + position, sheet.spec.column(key).width if key else 12)
    ws.set_column(note_col, note_col, 60)
    by_row: dict[int, list[CellError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)

    for index, cells in enumerate(sheet.preamble):
        for position, value in enumerate(cells):
            _write_value(ws, index, offset + position, value, None, formats["date"])
    header_index = sheet.header_row - 1
    bad_header = _bad_positions(sheet, by_row.get(sheet.header_row, ()))
    for position, text in sheet.column_texts.items():
        fmt = formats["header_bad"] if position in bad_header else formats["header"]
        ws.write_string(header_index, offset + position, text, fmt)
    ws.write_string(header_index, note_col, _("错误说明"), formats["header"])
    comments = _write_comments(ws, header_index, offset, bad_header, MAX_COMMENTS)
    last = header_index
    for row in sheet.rows:
        last = row.number - 1
        bad = _bad_positions(sheet, by_row.get(row.number, ()))
        for position, value in enumerate(row.raw):
            if position in bad:
                _write_value(ws, last, offset + position, value, formats["bad"], formats["bad_date"], blank=True)
            else:
                _write_value(ws, last, offset + position, value, None, formats["date"])
        for position in bad:
            if position >= len(row.raw):
                ws.write_blank(last, offset + position, None, formats["bad"])
        messages = [e.message for e in by_row.get(row.number, ())]
        if messages:
            ws.write_string(last, note_col, "；".join(messages), formats["note"])
        comments += _write_comments(ws, last, offset, bad, MAX_COMMENTS - comments)
    ws.freeze_panes(header_index + 1, 0)
    ws.autofilter(header_index, offset, max(last, header_index), note_col)


def _bad_positions(sheet: Sheet, errors: Iterable[CellError]) -> dict[int, list[str]]:
    bad: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        for position in _cells_of(sheet, error):
            bad[position].append(error.message)
    return bad


def _write_comments(ws, row: int, offset: int, bad: dict[int, list[str]], room: int) -> int:
    """Comment each bad cell of a row with its messages, at most ``room`` of them; returns how many."""
    written = 0
    for position, messages in bad.items():
        if written >= room:
            break
        ws.write_comment(row, offset + position, "\n".join(messages)[:32000], {"x_scale": 2.4, "y_scale": 1.6})
        written += 1
    return written


def _write_error_list(
    workbook, listed: list[tuple[str | None, CellError]], header_format, *, with_sheet: bool = False
) -> None:
    """The "错误清单" sheet: one line per error (行号, 列名, 值, 规则, 说明), led by a 工作表 column naming the
    sheet of each error when the report covers several sheets."""
    ws = workbook.add_worksheet(_sheet_name(_("错误清单")))
    headings = [(_("行号"), 8), (_("列名"), 22), (_("值"), 24), (_("规则"), 12), (_("说明"), 80)]
    if with_sheet:
        headings.insert(0, (_("工作表"), 14))
    for col, (heading, width) in enumerate(headings):
        ws.set_column(col, col, width)
        ws.write_string(0, col, heading, header_format)
    first = 1 if with_sheet else 0
    for index, (name, error) in enumerate(listed, start=1):
        if with_sheet:
            ws.write_string(index, 0, name or "")
        ws.write_number(index, first, error.row)
        ws.write_string(index, first + 1, error.column)
        ws.write_string(index, first + 2, error.value)
        ws.write_string(index, first + 3, _(RULE_LABELS[error.code]) if error.code in RULE_LABELS else error.code)
        ws.write_string(index, first + 4, error.message)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(listed), 1), len(headings) - 1)


def _write_value(ws, row: int, col: int, value, fmt, date_fmt, *, blank: bool = False) -> None:
    """A cell as it was read: numbers stay numbers (one that lost digits shows as it did), dates stay
    dates, anything else is text. ``blank`` writes an empty cell too, so an empty bad cell is coloured."""
    if type(value) is str and value:
        ws.write_string(row, col, value, fmt)
    elif value is None or value == "":
        if blank:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, datetime.date):
        ws.write_datetime(row, col, value, date_fmt)
    elif isinstance(value, int | float | decimal.Decimal) and math.isfinite(value):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, display(value), fmt)
