"""Reading a table as clerks really send it: xlsx, xls or CSV, with title rows, hidden sheets, variant
headers, Excel dates and numbers that were meant to be codes.

:func:`read_sheet` finds the sheet and header row by the spec's headers, parses every cell by its column
type and returns a :class:`Sheet`: one :class:`Row` (a dict keyed by column key) per data row with the
row number Excel shows, plus the problems met while reading as :class:`~shian.imports.cells.CellError`.
Only reading problems are reported here (a required cell is empty, a date or number cannot be parsed, an
enumeration label is unknown, an ID lost its digits to Excel, a header appears twice); rules about what the
values mean (checksums, regions, references) belong to the module's importer, which adds its own errors in
the same shape. A file that cannot be read as the table at all raises
:class:`~shian.imports.cells.ImportFileError` with a message for the clerk; nothing else escapes, whatever
the bytes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain

from django.utils.translation import gettext as _

from .cells import CellError, CellProblem, ImportFileError, column_letter, display, reader_for
from .files import grids, read_bytes
from .headers import HEADER_SCAN_ROWS, choose, header_names
from .specs import TableSpec

__all__ = ["Row", "Sheet", "read_sheet"]


class Row(dict):
    """A data row: parsed values by column key (None for an empty cell or a column the file lacks), with
    ``number``, the Excel row number, and ``raw``, the cells as read in file order (for the error report)."""

    __slots__ = ("number", "raw")

    def __init__(self, values=(), *, number: int = 0, raw: list | tuple = ()):
        super().__init__(values)
        self.number = number
        self.raw = raw


@dataclass
class Sheet:
    """What :func:`read_sheet` read. ``headers``/``positions`` cover the spec columns found in the file:
    key -> header text as written there / 0-based index into each ``Row.raw``, whose first cell is the
    file's column ``first_column`` (0 = A). ``column_texts`` has the text of every non-blank header cell by
    the same index, known or not; ``preamble`` holds the raw rows above the header (titles, notes): both
    let the error report reproduce the file. ``example_row`` is the row number of an untouched template
    example row that was skipped."""

    spec: TableSpec
    filename: str
    sheet_name: str
    header_row: int
    headers: dict[str, str]
    positions: dict[str, int]
    rows: list[Row] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    column_texts: dict[int, str] = field(default_factory=dict)
    first_column: int = 0
    preamble: list[list] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    example_row: int | None = None
    encoding: str | None = None

    def header(self, key: str) -> str:
        """The column's header as the file wrote it, or the spec's when the file lacks the column."""
        return self.headers.get(key) or self.spec.column(key).label()

    def cell_error(self, row: int, key: str, code: str, message: str, value=None) -> CellError:
        """A CellError on a spec column, named the way this file names it: the validator's constructor."""
        return CellError(row, self.header(key), "" if value is None else display(value), code, message, key)

    def describe(self, error: CellError) -> str:
        """ "第 5 行 M 列“答案”：…": a cell error as the clerk finds the cell in this file."""
        where = ""
        if error.key in self.positions:
            where = f" {column_letter(self.first_column + self.positions[error.key])} 列"
        return _("第 %(row)d 行%(where)s“%(column)s”：%(message)s") % {
            "row": error.row, "where": where, "column": error.column, "message": error.message,
        }  # fmt: skip

    def error_cells(self) -> set[tuple[int, str]]:
        """(row, key) of every cell that already failed reading, so validation does not report it twice."""
        return {(e.row, e.key) for e in self.errors if e.key}

    @classmethod
    def from_rows(cls, spec: TableSpec, rows: Iterable[Mapping], *, filename: str = "", sheet_name: str = ""):
        """A sheet of rows given as dicts by column key (API input, generated data), laid out like the
        template: every spec column in order, header on row 1, data from row 2."""
        keys = [column.key for column in spec.columns]
        sheet = cls(
            spec=spec,
            filename=filename,
            sheet_name=sheet_name or spec.label(),
            header_row=1,
            headers={column.key: column.label() for column in spec.columns},
            positions={key: index for index, key in enumerate(keys)},
            column_texts={index: column.label() for index, column in enumerate(spec.columns)},
        )
        for number, values in enumerate(rows, start=2):
            raw = [values.get(key) for key in keys]
            sheet.rows.append(Row(zip(keys, raw, strict=True), number=number, raw=raw))
        return sheet


def read_sheet(source, filename: str, spec: TableSpec) -> Sheet:
    """Read ``source`` (bytes, a path or a binary file object) named ``filename`` as the table ``spec``.
    Raises ImportFileError when the file cannot be read as that table."""
    data = read_bytes(source, filename)
    if not data.strip():
        raise ImportFileError(_("文件“%(name)s”是空文件") % {"name": filename})
    names = header_names(spec)
    chosen = choose(grids(data, filename), names)
    if chosen is None:
        expected = "、".join(f"“{column.label()}”" for column in spec.columns if column.required)
        raise ImportFileError(
            _(
                "文件“%(name)s”中没有找到%(ledger)s的表头：前 %(n)d 行里没有 %(headers)s 等列名，请使用%(ledger)s模板填写"
            )
            % {"name": filename, "ledger": spec.label(), "n": HEADER_SCAN_ROWS, "headers": expected}
        )
    grid, header, scanned = chosen
    sheet = Sheet(
        spec=spec,
        filename=filename,
        sheet_name=grid.name,
        header_row=header.index + 1,
        headers={key: header.texts[position] for position, key in header.keys.items()},
        positions={key: position for position, key in header.keys.items()},
        column_texts=header.texts,
        first_column=grid.first_column,
        preamble=scanned[: header.index],
        ignored_headers=[text for position, text in header.texts.items() if position not in header.keys],
        encoding=grid.encoding,
    )
    _check_columns(sheet)
    for position, first, key in header.duplicates:
        sheet.errors.append(
            CellError(
                sheet.header_row,
                header.texts[position],
                header.texts[position],
                "duplicate_header",
                _(
                    "第 %(col)s 列“%(header)s”与第 %(first)s 列“%(other)s”是同一列，只读取了第 %(first)s 列；请删除或改名重复的列"
                )
                % {
                    "col": column_letter(grid.first_column + position),
                    "header": header.texts[position],
                    "first": column_letter(grid.first_column + first),
                    "other": header.texts[first],
                },
                key,
            )
        )
    rows = chain(scanned[header.index + 1 :], grid.rows)
    try:
        _read_rows(sheet, rows)
    except csv.Error as exc:
        raise ImportFileError(
            _("文件“%(name)s”第 %(row)d 行之后的内容无法按 CSV 读取：%(reason)s")
            % {"name": filename, "row": (sheet.rows[-1].number if sheet.rows else sheet.header_row), "reason": exc}
        ) from exc
    sheet.errors.sort(key=lambda e: (e.row, sheet.positions.get(e.key, -1)))  # as the clerk reads: left to right
    return sheet


def _check_columns(sheet: Sheet) -> None:
    spec = sheet.spec
    missing = [f"“{c.label()}”" for c in spec.columns if c.required and c.key not in sheet.positions]
    for group in spec.one_of:
        if not any(key in sheet.positions for key in group):
            missing.append(_("或").join(f"“{spec.column(key).label()}”" for key in group))
    if missing:
        where = _("工作表“%(sheet)s”") % {"sheet": sheet.sheet_name} if sheet.sheet_name else ""
        raise ImportFileError(
            _("文件“%(name)s”%(where)s第 %(row)d 行的表头缺少%(ledger)s必需的列：%(missing)s")
            % {
                "name": sheet.filename,
                "where": where,
                "row": sheet.header_row,
                "ledger": spec.label(),
                "missing": "、".join(missing),
            }
        )


# One parse per distinct text cell of a column (a file repeats its codes, dates, kinds and counts on many rows), and
# one copy of that text kept in the rows' raw cells; a column of mostly distinct values stops being remembered after
# this many, which bounds the memory.
MEMO_PER_COLUMN = 50_000


def _read_rows(sheet: Sheet, rows: Iterable[list]) -> None:
    spec = sheet.spec
    plan = [(key, position, reader_for(spec.column(key))) for key, position in sheet.positions.items()]
    template = dict.fromkeys(column.key for column in spec.columns)
    required = [c.key for c in spec.columns if c.required and c.key in sheet.positions]
    groups = [[key for key in group if key in sheet.positions] for group in spec.one_of]
    example = _example(spec, plan, template)
    errors = sheet.errors
    seen = {key: {} for key, _position, _read in plan}  # per column: text cell -> (text, value or CellProblem)
    plan = [(key, position, read, seen[key]) for key, position, read in plan]
    for number, cells in enumerate(rows, start=sheet.header_row + 1):
        row = Row(template, number=number, raw=cells)
        width = len(cells)
        empty = True
        failed = None
        for key, position, read, known in plan:
            raw = cells[position] if position < width else None
            if raw is None or raw == "":
                continue
            hit = known.get(raw) if type(raw) is str else None
            if hit is not None:
                raw = cells[position] = hit[0]  # the row keeps the first row's equal text, not a copy of it
                value = hit[1]
            else:
                try:
                    value = read(raw)
                except CellProblem as bad:
                    value = bad
                if type(raw) is str and len(known) < MEMO_PER_COLUMN:
                    known[raw] = (raw, value)
            if type(value) is CellProblem:
                bad = value
                errors.append(CellError(number, sheet.headers[key], display(raw), bad.code, bad.message, key))
                failed = failed or set()
                failed.add(key)
                empty = False
                continue
            if value is not None:
                row[key] = value
                empty = False
        if empty:
            continue
        if failed is None and row == example:
            sheet.example_row = number
            continue
        for key in required:
            if row[key] is None and (failed is None or key not in failed):
                errors.append(
                    CellError(
                        number,
                        sheet.headers[key],
                        "",
                        "required",
                        _("“%(header)s”不能为空") % {"header": sheet.headers[key]},
                        key,
                    )
                )
        for group in groups:
            if all(row[key] is None for key in group) and (failed is None or not failed.intersection(group)):
                shown = _("或").join(f"“{sheet.headers[key]}”" for key in group)
                errors.append(
                    CellError(
                        number,
                        sheet.headers[group[0]],
                        "",
                        "required",
                        _("%(columns)s至少填写一项") % {"columns": shown},
                        group[0],
                    )
                )
        sheet.rows.append(row)


def _example(spec: TableSpec, plan, template: dict) -> dict:
    """The template's example row as read, to recognise it when a clerk left it in place."""
    example = dict(template)
    for key, _position, read in plan:
        text = _(spec.column(key).example) if spec.column(key).example else ""
        try:
            example[key] = read(text) if text else None
        except CellProblem:
            example[key] = None
    return example
