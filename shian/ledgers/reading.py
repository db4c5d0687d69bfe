"""Reading a ledger file as clerks really send it: xlsx, xls or CSV, with title rows, hidden sheets, variant
headers, Excel dates and numbers that were meant to be codes.

:func:`read_ledger` finds the sheet and header row by the spec's headers, parses every cell by its column
type and returns a :class:`Sheet`: one :class:`Row` (a dict keyed by column key) per data row with the
row number Excel shows, plus the problems met while reading as :class:`CellError`. Only reading problems
are reported here (a required cell is empty, a date or number cannot be parsed, an enumeration label is
unknown, an ID lost its digits to Excel, a header appears twice); rules about what the values mean
(checksums, regions, references) belong to validation, which adds its own errors in the same shape. A
file that cannot be read as the ledger at all raises :class:`LedgerFileError` with a message for the
clerk; nothing else escapes, whatever the bytes.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from itertools import chain

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from shian.entities.validators import normalize
from shian.ledgers.specs import SPECS, Column, ColumnType, LedgerSpec, choice_text, header_text

__all__ = [
    "RULE_LABELS",
    "CellError",
    "CellProblem",
    "LedgerFileError",
    "Row",
    "Sheet",
    "column_letter",
    "read_ledger",
    "reader_for",
]

HEADER_SCAN_ROWS = 20  # the header is looked for in the first rows of a sheet, below titles and notes
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 once Excel's phantom 1900-02-29 is counted
EXACT_LIMIT = 1e15  # Excel keeps 15 significant digits: an integer this large stored as a number lost some
DATE_YEARS = (1900, 2100)
NUMBER_DIGITS = 15  # counts, areas and coordinates are far shorter; a longer number is a typing or pasting slip
ZIP_MAGIC = b"PK\x03\x04"  # xlsx, xlsm, xlsb, ods
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # xls (BIFF) and encrypted Office files
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # the stream Office puts a password-protected xlsx in
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".et")
PROBE_MEMORY = 4 << 30  # address space of the trial opening; a full 1,048,576-row ledger needs well under this
PROBE_SECONDS = 120

# The rule codes a reader or validator puts on a CellError, as a clerk reads them in the error report.
RULE_LABELS = {
    "required": N_("必填"),
    "format": N_("格式"),
    "lost_digits": N_("数字丢失"),
    "date": N_("日期"),
    "enum": N_("可选值"),
    "duplicate_header": N_("重复列"),
    "charset": N_("字符"),
    "region": N_("区划"),
    "checksum": N_("校验码"),
    "reference": N_("关联台账"),
    "mismatch": N_("与台账不一致"),
    "level": N_("包保层级"),
    "capacity": N_("包保上限"),
}


class LedgerFileError(Exception):
    """The file cannot be read as this ledger at all; ``message`` tells the clerk why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class CellError:
    """One problem in one cell. ``row`` is the row number Excel shows, ``column`` the header text as in the
    file, ``value`` the cell as the clerk sees it, ``code`` a short rule id (see ``RULE_LABELS``), ``key``
    the spec column key ("" when the problem is not about one spec column)."""

    row: int
    column: str
    value: str
    code: str
    message: str
    key: str = ""

    def as_dict(self) -> dict:
        """The JSON shape of the CLI and API."""
        return {"row": self.row, "column": self.column, "value": self.value, "code": self.code, "message": self.message}


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
    """What :func:`read_ledger` read. ``headers``/``positions`` cover the spec columns found in the file:
    key -> header text as written there / 0-based index into each ``Row.raw``, whose first cell is the
    file's column ``first_column`` (0 = A). ``column_texts`` has the text of every non-blank header cell by
    the same index, known or not; ``preamble`` holds the raw rows above the header (titles, notes): both
    let the error report reproduce the file. ``example_row`` is the row number of an untouched template
    example row that was skipped."""

    spec: LedgerSpec
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

    def error_cells(self) -> set[tuple[int, str]]:
        """(row, key) of every cell that already failed reading, so validation does not report it twice."""
        return {(e.row, e.key) for e in self.errors if e.key}

    @classmethod
    def from_rows(cls, spec: LedgerSpec, rows: Iterable[Mapping], *, filename: str = "", sheet_name: str = ""):
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


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how Excel names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def display(value) -> str:
    """A cell value as Excel's General format shows it (long numbers in scientific notation)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e11:
            return str(int(value))
        if abs(value) >= 1e11:
            mantissa, exponent = f"{value:.5E}".split("E")
            mantissa = mantissa.rstrip("0").rstrip(".")
            return f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}"
        return f"{value:.10g}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# -------------------------------------------------------------------------------------------- cell parsing


class CellProblem(Exception):
    """Raised by a :func:`reader_for` function: the cell cannot be read as its column's type."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message


_SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?E\+[0-9]{2}$")  # how Excel shows a long number: 4.40101E+17
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T ]?\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


def _lost_digits(value) -> CellProblem:
    return CellProblem(
        "lost_digits",
        _(
            "“%(value)s”是以数字保存的号码：Excel 只保留 15 位有效数字，后面的数字已经丢失，无法还原。"
            "请把这一列设为“文本”格式后重新填写完整号码"
        )
        % {"value": display(value)},
    )


def _plain_text(raw) -> str:
    """Any non-string cell as text: whole numbers without ".0", dates as yyyy-mm-dd."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return display(raw)


def _read_text(raw):
    if type(raw) is str:
        return raw.strip() or None
    return _plain_text(raw).strip() or None


def _read_id(raw):
    if type(raw) is str:
        # ASCII is the common case and needs only spaces out and upper case (what normalize does, faster)
        text = "".join(raw.split()).upper() if raw.isascii() else normalize(raw)
        if _SCIENTIFIC.match(text):
            raise _lost_digits(raw)
        return text or None
    if isinstance(raw, bool):
        return normalize(display(raw)) or None
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise CellProblem("format", _("“%(value)s”不是有效的编号") % {"value": display(raw)})
        if abs(raw) >= EXACT_LIMIT:
            raise _lost_digits(raw)
        return normalize(_plain_text(raw)) or None
    if isinstance(raw, date | time | timedelta):
        raise CellProblem(
            "format",
            _("“%(value)s”被 Excel 识别成了日期或时间，请把这一列设为“文本”格式后重新填写") % {"value": display(raw)},
        )
    return normalize(display(raw)) or None


def _date_or_bad(year: int, month: int, day: int, shown) -> date:
    if DATE_YEARS[0] <= year <= DATE_YEARS[1]:
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise CellProblem("date", _("“%(value)s”不是有效的日期，请填写如 2024-03-05 的日期") % {"value": display(shown)})


def _serial_date(number: float, shown) -> date:
    """An Excel serial (days since 1899-12-30) or a number typed as yyyymmdd."""
    if number.is_integer() and 19000101 <= number <= 21001231:
        whole = int(number)
        return _date_or_bad(whole // 10000, whole // 100 % 100, whole % 100, shown)
    if 1 <= number < 2958466:
        return _check_year(EXCEL_EPOCH + timedelta(days=int(number)), shown)
    raise CellProblem("date", _("“%(value)s”不是有效的日期，请填写如 2024-03-05 的日期") % {"value": display(shown)})


def _check_year(value: date, shown) -> date:
    return _date_or_bad(value.year, value.month, value.day, shown)


def _read_date(raw):
    if type(raw) is str and len(raw) == 10 and raw[4] == raw[7] == "-" and raw.isascii():
        try:
            return _check_year(date.fromisoformat(raw), raw)
        except ValueError:
            pass  # 2024-02-30: reported below with the other shapes
    if isinstance(raw, datetime):
        return _check_year(raw.date(), raw)
    if isinstance(raw, date):
        return _check_year(raw, raw)
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        if not text:
            return None
        match = _DATE_TEXT.match(text)
        if match:
            return _date_or_bad(int(match[1]), int(match[2]), int(match[3]), raw)
        if text.isascii() and text.isdigit() and len(text) in (5, 8):
            return _serial_date(float(text), raw)
    elif isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        return _serial_date(float(raw), raw)
    raise CellProblem("date", _("“%(value)s”不是有效的日期，请填写如 2024-03-05 的日期") % {"value": display(raw)})


def _number_text(raw) -> str:
    return unicodedata.normalize("NFKC", raw).strip().replace(",", "").replace(" ", "")


def _decimal(raw) -> Decimal | None:
    """A number cell or numeric text as a Decimal; None if it is not a number of sane size (1e999999 typed
    into a count would otherwise become a billion-digit integer)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw)) if math.isfinite(raw) else None
    elif isinstance(raw, str):
        try:
            number = Decimal(_number_text(raw))
        except InvalidOperation:
            return None
    else:
        return None
    # adjusted() is the exponent of the leading digit; unlike abs() it needs no context, so it cannot overflow
    return number if number is not None and number.is_finite() and number.adjusted() < NUMBER_DIGITS else None


def _read_int(raw):
    if isinstance(raw, str) and not _number_text(raw):
        return None
    number = _decimal(raw)
    if number is None or number != number.to_integral_value():
        raise CellProblem("format", _("“%(value)s”不是整数") % {"value": display(raw)})
    return int(number)


def _read_decimal(raw):
    if isinstance(raw, str) and not _number_text(raw):
        return None
    number = _decimal(raw)
    if number is None:
        raise CellProblem("format", _("“%(value)s”不是数字") % {"value": display(raw)})
    return number


def _enum_reader(column: Column):
    lookup = column.choice_lookup()
    exact = {str(choice.label): choice.value for choice in column.choices}  # the dropdown's own words
    labels = column.choice_labels()
    shown = "、".join(labels[:12]) + (_("等 %(n)d 项") % {"n": len(labels)} if len(labels) > 12 else "")

    def read(raw):
        if type(raw) is str and raw in exact:
            return exact[raw]
        text = choice_text(raw if isinstance(raw, str) else _plain_text(raw))
        if not text:
            return None
        try:
            return lookup[text]
        except KeyError:
            raise CellProblem(
                "enum", _("“%(value)s”不是可选的值，应为：%(choices)s") % {"value": display(raw), "choices": shown}
            ) from None

    return read


_READERS = {
    ColumnType.TEXT: _read_text,
    ColumnType.ID: _read_id,
    ColumnType.DATE: _read_date,
    ColumnType.INT: _read_int,
    ColumnType.DECIMAL: _read_decimal,
}


def reader_for(column: Column):
    """The function turning one raw cell into the column's value (None if blank); raises on a bad cell."""
    return _enum_reader(column) if column.type == ColumnType.ENUM else _READERS[column.type]


# ----------------------------------------------------------------------------------------- opening files


def _read_bytes(source, filename: str) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise LedgerFileError(
                _("无法打开文件“%(name)s”：%(reason)s") % {"name": filename, "reason": exc.strerror}
            ) from exc
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


@contextmanager
def _calamine_errors(filename: str):
    """Whatever python-calamine raises on a damaged file, a Rust panic included (pyo3's PanicException
    derives from BaseException), becomes a LedgerFileError. Interrupts and exits pass through."""
    try:
        yield
    except BaseException as exc:
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise LedgerFileError(_unreadable(filename, type(exc).__name__)) from exc


@dataclass
class _Grid:
    """One candidate table: rows from Excel row 1 on, cells from column ``first_column`` on."""

    name: str
    rows: Iterator[list]
    first_column: int = 0
    encoding: str | None = None


# Opens the workbook and every visible sheet the way _excel_grids does, in a child process whose memory is
# capped. Exit 0: calamine can read it; 3: calamine refused it, with the exception's class name on stdout.
_PROBE = """
import io, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum
try:
    book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    for meta in book.sheets_metadata:
        if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet:
            book.get_sheet_by_name(meta.name)
except MemoryError:
    sys.exit(4)
except BaseException as exc:
    print(type(exc).__name__)
    sys.exit(3)
"""


def _probe(data: bytes, filename: str) -> None:
    """Try the file in a child process first. calamine lays each sheet out as a full rectangle, so one
    stray cell in XFD1048576 asks for hundreds of gigabytes, and a corrupt .xls can ask for more; Rust
    then aborts the whole process, which no except clause catches. The child dies instead of the server."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", _PROBE, str(PROBE_MEMORY)],
            input=data,
            capture_output=True,
            timeout=PROBE_SECONDS,
        )
    except subprocess.TimeoutExpired as exc:
        raise LedgerFileError(_too_big(filename)) from exc
    if result.returncode == 3:
        raise LedgerFileError(_unreadable(filename, result.stdout.decode("ascii", "replace").strip()))
    if result.returncode != 0:
        raise LedgerFileError(_too_big(filename))


def _unreadable(filename: str, error: str) -> str:
    if error == PasswordError.__name__:
        return _("文件“%(name)s”设置了密码保护，请取消密码后重新上传") % {"name": filename}
    return _("文件“%(name)s”无法作为 Excel 文件打开：文件已损坏、不完整（可能只上传了一部分）或不是 Excel 格式") % {
        "name": filename
    }


def _too_big(filename: str) -> str:
    return _(
        "文件“%(name)s”无法读取：文件已损坏，或工作表的数据范围过大（例如很远的单元格里误填了内容）。"
        "请在 Excel 中删除多余的行和列，另存后重新上传"
    ) % {"name": filename}


def _excel_grids(data: bytes, filename: str) -> Iterator[_Grid]:
    if data.startswith(OLE_MAGIC) and ENCRYPTED_PACKAGE in data:  # an xlsx saved with a password
        raise LedgerFileError(_unreadable(filename, PasswordError.__name__))
    _probe(data, filename)
    with _calamine_errors(filename):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            meta.name
            for meta in workbook.sheets_metadata
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet
        ]
    if not sheets:
        raise LedgerFileError(_("文件“%(name)s”中没有可见的工作表") % {"name": filename})
    for name in sheets:
        with _calamine_errors(filename):
            sheet = workbook.get_sheet_by_name(name)
            start = sheet.start
        if start is not None:
            yield _Grid(name, _guarded(sheet, filename), start[1])


def _guarded(sheet, filename: str) -> Iterator[list]:
    """The sheet's rows; a cell calamine cannot convert (a corrupt date, say) is a damaged file."""
    with _calamine_errors(filename):
        yield from sheet.iter_rows()


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab separated
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise LedgerFileError(
        _("无法识别文件“%(name)s”：既不是 Excel 文件，也不是 UTF-8 或 GBK 编码的 CSV 文件") % {"name": filename}
    )


def _csv_grids(data: bytes, filename: str) -> Iterator[_Grid]:
    text, encoding = _decode(data, filename)
    for delimiter in (",", "\t"):
        yield _Grid("", csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 0, encoding)


def _grids(data: bytes, filename: str) -> Iterator[_Grid]:
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return _excel_grids(data, filename)
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")) or b"<html" in head:
        raise LedgerFileError(
            _("文件“%(name)s”是网页（HTML/XML）格式，不是真正的 Excel 文件：请用 Excel 打开后另存为 xlsx 再上传")
            % {"name": filename}
        )
    if filename.lower().endswith(EXCEL_SUFFIXES) and b"\x00" in data[:4096]:
        raise LedgerFileError(_unreadable(filename, ""))
    return _csv_grids(data, filename)


# ------------------------------------------------------------------------------------------ header search


def _cell_text(cell) -> str:
    """A header cell as shown to the clerk: trimmed, line breaks (wrapping inside the cell) removed."""
    if cell is None or cell == "":
        return ""
    return _LINE_BREAKS.sub("", cell if isinstance(cell, str) else _plain_text(cell)).strip()


_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\u2028\u2029]+\s*")


@dataclass
class _Header:
    index: int  # 0-based index of the (lower) header row in the grid; data starts on the next row
    keys: dict[int, str]  # position -> key, first occurrence of each key
    texts: dict[int, str]  # position -> header text as shown, for every non-blank header cell
    duplicates: list[tuple[int, int, str]]  # (position, first position, key)

    @property
    def score(self) -> int:
        return len(self.keys)


def _labelled(cells: list, names: dict[str, str]) -> dict[int, tuple[str, str | None]]:
    """position -> (text, key or None) for the non-blank cells of a row."""
    out = {}
    for position, cell in enumerate(cells):
        text = _cell_text(cell)
        if text:
            out[position] = (text, names.get(header_text(text)))
    return out


def _header(index: int, lower: dict, upper: dict) -> _Header:
    """The header of row ``index``; where it names no column, the row above (``upper``) may: a header cell
    merged down over two rows, or a group header ("许可证信息") over the lower row's cells."""
    keys: dict[int, str] = {}
    texts: dict[int, str] = {}
    duplicates = []
    first: dict[str, int] = {}
    for position in sorted(lower.keys() | upper.keys()):
        text, key = lower.get(position, ("", None))
        if key is None and upper.get(position, ("", None))[1] is not None:
            text, key = upper[position]
        texts[position] = text or upper[position][0]
        if key is None:
            continue
        if key in first:
            duplicates.append((position, first[key], key))
        else:
            first[key] = position
            keys[position] = key
    return _Header(index, keys, texts, duplicates)


def _find_header(rows: list[list], names: dict[str, str]) -> _Header | None:
    """The row naming most spec columns (the first of equals), or the pair of rows naming more than any
    single row does (two-row headers)."""
    labelled = [_labelled(cells, names) for cells in rows]
    best = None
    for index, lower in enumerate(labelled):
        header = _header(index, lower, {})
        if header.score and (best is None or header.score > best.score):
            best = header
    if best is None:
        return None
    for index in range(1, len(labelled)):
        pair = _header(index, labelled[index], labelled[index - 1])
        if pair.score > best.score:
            best = pair
    return best


def _header_names(spec: LedgerSpec) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in spec.columns:
        for name in column.names():
            names.setdefault(name, column.key)
    return names


def _choose(grids: Iterable[_Grid], names: dict[str, str]):
    """The grid whose header matches most spec columns (the first of equals), with the rows scanned: up to
    HEADER_SCAN_ROWS rows that are not blank (Excel pads the rows above a sheet's first cell)."""
    best = None
    for grid in grids:
        scanned: list[list] = []
        filled = 0
        try:
            for cells in grid.rows:
                scanned.append(cells)
                filled += any(cell != "" for cell in cells)
                if filled >= HEADER_SCAN_ROWS:
                    break
        except csv.Error:
            continue
        header = _find_header(scanned, names)
        if header and (best is None or header.score > best[1].score):
            best = (grid, header, scanned)
    return best


# ------------------------------------------------------------------------------------------------ reading


def read_ledger(source, filename: str, spec: LedgerSpec | str) -> Sheet:
    """Read ``source`` (bytes, a path or a binary file object) named ``filename`` as the ledger ``spec``
    (a LedgerSpec or its kind). Raises LedgerFileError when the file cannot be read as that ledger."""
    spec = SPECS[spec] if isinstance(spec, str) else spec
    data = _read_bytes(source, filename)
    if not data.strip():
        raise LedgerFileError(_("文件“%(name)s”是空文件") % {"name": filename})
    names = _header_names(spec)
    chosen = _choose(_grids(data, filename), names)
    if chosen is None:
        expected = "、".join(f"“{column.label()}”" for column in spec.columns if column.required)
        raise LedgerFileError(
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
        raise LedgerFileError(
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
        raise LedgerFileError(
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
    spec = sheet.spec
    plan = [(key, position, reader_for(spec.column(key))) for key, position in sheet.positions.items()]
    template = dict.fromkeys(column.key for column in spec.columns)
    required = [c.key for c in spec.columns if c.required and c.key in sheet.positions]
    groups = [[key for key in group if key in sheet.positions] for group in spec.one_of]
    example = _example(spec, plan, template)
    errors = sheet.errors
    for number, cells in enumerate(rows, start=sheet.header_row + 1):
        row = Row(template, number=number, raw=cells)
        width = len(cells)
        empty = True
        failed = None
        for key, position, read in plan:
            raw = cells[position] if position < width else None
            if raw is None or raw == "":
                continue
            try:
                value = read(raw)
            except CellProblem as bad:
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


def _example(spec: LedgerSpec, plan, template: dict) -> dict:
    """The template's example row as read, to recognise it when a clerk left it in place."""
    example = dict(template)
    for key, _position, read in plan:
        text = _(spec.column(key).example) if spec.column(key).example else ""
        try:
            example[key] = read(text) if text else None
        except CellProblem:
            example[key] = None
    return example
