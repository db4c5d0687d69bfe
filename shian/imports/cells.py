"""Cells: how one spreadsheet cell is read as its column's type, and the shape of every problem found.

:func:`reader_for` gives the function that turns one raw cell (what calamine or the CSV reader produced) into
the column's value, raising :class:`CellProblem` when it cannot; the reader turns that into a
:class:`CellError` naming row, column, value and rule. Validators of a module add their own errors in the same
shape (``RULE_LABELS`` names the rule codes a clerk sees in the error report). A file that cannot be read at
all raises :class:`ImportFileError` with a message for the clerk.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from .specs import Column, ColumnType, choice_text

__all__ = [
    "RULE_LABELS",
    "CellError",
    "CellProblem",
    "ImportFileError",
    "column_letter",
    "display",
    "plain_text",
    "reader_for",
]

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 once Excel's phantom 1900-02-29 is counted
EXACT_LIMIT = 1e15  # Excel keeps 15 significant digits: an integer this large stored as a number lost some
DATE_YEARS = (1900, 2100)
NUMBER_DIGITS = 15  # counts, areas and coordinates are far shorter; a longer number is a typing or pasting slip

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
    "address_ambiguous": N_("地址待确认"),
    "address_unknown": N_("地址无法识别"),
    "checksum": N_("校验码"),
    "reference": N_("关联台账"),
    "mismatch": N_("与台账不一致"),
    "level": N_("包保层级"),
    "capacity": N_("包保上限"),
}


class ImportFileError(Exception):
    """The file cannot be read as this table at all; ``message`` tells the clerk why, in Chinese."""

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


def plain_text(raw) -> str:
    """Any non-string cell as text: whole numbers without ".0", dates as yyyy-mm-dd."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return display(raw)


def _read_text(raw):
    if type(raw) is str:
        return raw.strip() or None
    return plain_text(raw).strip() or None


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _fold(text: str) -> str:
    """The default identifier fold: spaces removed, ASCII letters upper-cased (other letters are kept as typed)."""
    return "".join(text.split()).translate(_ASCII_UPPER)


def _id_reader(fold=None):
    """The reader of an ID column. ``fold`` (the column's) must agree with :func:`_fold` on ASCII text, which
    is the common case and takes the fast path; it exists for the rest (full-width letters and digits)."""
    fold = fold or _fold

    def read(raw):
        if type(raw) is str:
            if raw.isascii() and raw.isalnum():  # no space to drop, and no room for Excel's "4.4E+17"
                return raw if raw.isupper() or raw.isdigit() else raw.upper()
            text = "".join(raw.split()).upper() if raw.isascii() else fold(raw)
            if _SCIENTIFIC.match(text):
                raise _lost_digits(raw)
            return text or None
        if isinstance(raw, bool):
            return fold(display(raw)) or None
        if isinstance(raw, int | float):
            if isinstance(raw, float) and not math.isfinite(raw):
                raise CellProblem("format", _("“%(value)s”不是有效的编号") % {"value": display(raw)})
            if abs(raw) >= EXACT_LIMIT:
                raise _lost_digits(raw)
            return fold(plain_text(raw)) or None
        if isinstance(raw, date | time | timedelta):
            raise CellProblem(
                "format",
                _("“%(value)s”被 Excel 识别成了日期或时间，请把这一列设为“文本”格式后重新填写")
                % {"value": display(raw)},
            )
        return fold(display(raw)) or None

    return read


_DEFAULT_ID = _id_reader()


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
    if type(raw) is str and raw.isascii() and raw.isdigit() and len(raw) < NUMBER_DIGITS:
        return int(raw)  # the common case of a CSV count, without the NFKC and Decimal round trip
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
        text = choice_text(raw if isinstance(raw, str) else plain_text(raw))
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
    ColumnType.ID: _DEFAULT_ID,
    ColumnType.DATE: _read_date,
    ColumnType.INT: _read_int,
    ColumnType.DECIMAL: _read_decimal,
}


def reader_for(column: Column):
    """The function turning one raw cell into the column's value (None if blank); raises on a bad cell."""
    if column.type == ColumnType.ENUM:
        return _enum_reader(column)
    if column.type == ColumnType.ID and column.fold is not None:
        return _id_reader(column.fold)
    return _READERS[column.type]
