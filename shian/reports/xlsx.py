"""xlsx exports for every app: one streaming writer, so an export is a column list and a row iterator.

XlsxWriter runs in `constant_memory` mode: each row goes to a temporary file as soon as it is written, so a
province-sized export (a million rows) needs no more memory than a page. Rows must therefore come in order,
which an iterator over a queryset does. Cells are written by Python type; text is never read as a formula
or link, so a name typed as "=HYPERLINK(...)" stays text (spreadsheet formula injection).
"""

import datetime
import decimal
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO

import xlsxwriter
from django.http import FileResponse

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_ROWS = 1_048_576  # per sheet, header included
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """A column's header and width in Excel character units (a CJK character is about two)."""

    header: str
    width: float | None = None

    def excel_width(self) -> float:
        return self.width if self.width is not None else max(10, 2 * len(str(self.header)) + 2)


def write_xlsx(
    output: str | IO[bytes],
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    *,
    sheet_name: str = "Sheet1",
    rows_per_sheet: int = EXCEL_MAX_ROWS - 1,
) -> int:
    """Write a bold, frozen, filterable header row and `rows` to `output` (a path or binary file-like object).

    Dates get a yyyy-mm-dd format, numbers (int, float, Decimal) stay numbers, None is a blank cell and
    anything else is written as text. Rows past `rows_per_sheet` continue on a new sheet, so exports larger
    than Excel's sheet limit still open. Returns the number of data rows written.
    """
    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    header_format = workbook.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    base_name = _SHEET_NAME_BAD.sub("_", str(sheet_name))[:31] or "Sheet1"
    last_col = len(columns) - 1
    sheets: list = []

    def new_sheet():
        name = base_name if not sheets else f"{base_name[:25]} ({len(sheets) + 1})"
        sheet = workbook.add_worksheet(name)
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column.excel_width())
            sheet.write_string(0, index, str(column.header), header_format)
        sheet.freeze_panes(1, 0)
        sheets.append(sheet)
        return sheet

    def finish(sheet, last_row: int) -> None:
        sheet.autofilter(0, 0, max(last_row, 0), max(last_col, 0))

    sheet, row_index, total = new_sheet(), 0, 0
    for values in rows:
        if row_index >= rows_per_sheet:
            finish(sheet, row_index)
            sheet, row_index = new_sheet(), 0
        row_index += 1
        total += 1
        for col, value in enumerate(values):
            _write_cell(sheet, row_index, col, value, date_format, datetime_format)
    finish(sheet, row_index)
    workbook.close()
    return total


def write_workbook(output: str | IO[bytes], sheets: Sequence[tuple[str, Sequence[Column], Iterable[Sequence]]]) -> int:
    """Several small sheets in one workbook (a data-sharing package: a sheet per department), each with the
    header row, formats and filter of `write_xlsx`; sheet names are cleaned and made unique. Returns the rows
    written over all sheets."""
    workbook = xlsxwriter.Workbook(output, {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False, "remove_timezone": True})  # fmt: skip
    header_format = workbook.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    used: set[str] = set()
    total = 0
    for name, columns, rows in sheets:
        base = _SHEET_NAME_BAD.sub("_", str(name))[:31] or "Sheet"
        clean, n = base, 1
        while clean.lower() in used:
            n += 1
            clean = f"{base[:27]} ({n})"
        used.add(clean.lower())
        sheet = workbook.add_worksheet(clean)
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column.excel_width())
            sheet.write_string(0, index, str(column.header), header_format)
        sheet.freeze_panes(1, 0)
        row_index = 0
        for values in rows:
            row_index += 1
            for col, value in enumerate(values):
                _write_cell(sheet, row_index, col, value, date_format, datetime_format)
        sheet.autofilter(0, 0, max(row_index, 0), max(len(columns) - 1, 0))
        total += row_index
    workbook.close()
    return total


def _write_cell(sheet, row: int, col: int, value, date_format, datetime_format) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, datetime.datetime):
        sheet.write_datetime(row, col, value, datetime_format)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, col, value, date_format)
    elif isinstance(value, int | float | decimal.Decimal):
        sheet.write_number(row, col, float(value))
    else:
        sheet.write_string(row, col, str(value))


def xlsx_response(filename: str, write: Callable[[IO[bytes]], object]) -> FileResponse:
    """A download of what `write(file)` puts in a temporary file on disk (not in memory).

    The response streams the file and closes it when sent, which deletes it.
    """
    out = tempfile.TemporaryFile()
    try:
        write(out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return FileResponse(out, as_attachment=True, filename=filename, content_type=CONTENT_TYPE)
