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
from operator import itemgetter

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


def _read_rows(sheet: Sheet, rows: Iterable[list]) -> None:
    """The data rows below the header, read column by column (:func:`_read_column`), then put together as
    :class:`Row` objects; a CSV that breaks off keeps the rows read before the break, and its error is raised
    after them, as when the rows were read one by one."""
    grid: list[list] = []
    broken = None
    try:
        grid.extend(rows)  # keeps the rows before a csv.Error
    except csv.Error as exc:
        broken = exc
    _read_grid(sheet, grid)
    if broken is not None:
        raise broken


def _read_grid(sheet: Sheet, grid: list[list]) -> None:
    spec = sheet.spec
    plan = [(key, position, reader_for(spec.column(key))) for key, position in sheet.positions.items()]
    template = dict.fromkeys(column.key for column in spec.columns)
    required = [c.key for c in spec.columns if c.required and c.key in sheet.positions]
    groups = [[key for key in group if key in sheet.positions] for group in spec.one_of]
    example = _example(spec, plan, template)
    errors, start = sheet.errors, sheet.header_row + 1
    keys = [key for key, _position, _read in plan]
    full = bool(grid) and min(map(len, grid)) > max(sheet.positions.values(), default=-1)
    columns, failures = [], {}  # failures: grid index -> keys of the cells that could not be read
    for key, position, read in plan:
        values, bad = _read_column(grid, position, read, full)
        columns.append(values)
        for index, raw, problem in bad:  # in row order, like the rows' own order
            errors.append(
                CellError(start + index, sheet.headers[key], display(raw), problem.code, problem.message, key)
            )
            failures.setdefault(index, set()).add(key)
    # Rows that may miss a required cell or a whole one-of group: only those need the per-row checks below.
    by_key = dict(zip(keys, columns, strict=True))
    unsure = set()
    for key in {*required, *(key for group in groups for key in group)}:
        if None in by_key[key]:
            unsure.update(index for index, value in enumerate(by_key[key]) if value is None)
    if not columns:
        return  # no column of the spec: every row is empty
    width = len(keys)
    new_row, fill = Row.__new__, dict.update
    for index, (cells, values) in enumerate(zip(grid, zip(*columns, strict=True), strict=True)):
        failed = failures.get(index)
        if failed is None and values.count(None) == width:
            continue  # an empty row
        number = start + index
        row = new_row(Row)
        fill(row, template)
        fill(row, zip(keys, values, strict=True))
        row.number, row.raw = number, cells
        if failed is None and row == example:
            sheet.example_row = number
            continue
        if index in unsure:
            _check_required(sheet, row, required, groups, failed)
        sheet.rows.append(row)


def _read_column(grid: list[list], position: int, read, full: bool) -> tuple[list, list]:
    """One column's values (None for a blank cell or one that could not be read) and its unreadable cells as
    (grid index, raw cell, CellProblem). Each distinct text is parsed once (a file repeats its codes, dates, kinds
    and counts on many rows), and a repeated text is kept once: the rows' raw cells point at its first
    occurrence, not at a copy per row."""
    column = (
        list(map(itemgetter(position), grid))
        if full
        else [cells[position] if position < len(cells) else None for cells in grid]
    )
    bad = []
    if not {str, type(None)}.issuperset(map(type, column)):  # a workbook's numbers, dates and booleans
        return _read_mixed(grid, column, position, read)
    parsed = dict.fromkeys(column)
    if len(parsed) < len(column):  # repeated texts: the rows keep the first one's object
        first = {text: text for text in parsed}
        for cells, text in zip(grid, column, strict=True):
            if text is not None:
                cells[position] = first[text]
    problems = None
    for text in parsed:
        if text:
            try:
                parsed[text] = read(text)
            except CellProblem as problem:
                problems = problems or {}
                problems[text] = problem
    values = list(map(parsed.__getitem__, column))
    if problems:
        for index, text in enumerate(column):
            if text in problems:
                bad.append((index, text, problems[text]))
    return values, bad


def _read_mixed(grid: list[list], column: list, position: int, read) -> tuple[list, list]:
    """:func:`_read_column` for cells of other types than text: each non-text cell parsed on its own (1, 1.0 and
    True are equal keys but read differently), texts once per distinct text."""
    known: dict = {}
    values, bad = [], []
    for index, raw in enumerate(column):
        if raw is None or raw == "":
            values.append(None)
            continue
        hit = known.get(raw) if type(raw) is str else None
        if hit is not None:
            raw = grid[index][position] = hit[0]
            value = hit[1]
        else:
            try:
                value = read(raw)
            except CellProblem as problem:
                value = problem
            if type(raw) is str:
                known[raw] = (raw, value)
        if type(value) is CellProblem:
            bad.append((index, raw, value))
            value = None
        values.append(value)
    return values, bad


def _check_required(sheet: Sheet, row: Row, required: list[str], groups: list[list[str]], failed) -> None:
    number, errors = row.number, sheet.errors
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
