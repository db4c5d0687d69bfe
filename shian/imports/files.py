"""Opening a file as clerks really send it: xlsx, xls, ods or CSV (UTF-8, GBK, Excel's UTF-16 text), with
damaged, password-protected, HTML-disguised or absurdly large workbooks refused with a message.

:func:`grids` yields the candidate tables of a file (each visible worksheet, or the CSV read with a comma
and with a tab) as rows of raw cells; the reader picks the one whose header matches its spec. Every failure
is an :class:`~shian.imports.cells.ImportFileError` telling the clerk what to do, whatever the bytes.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from .cells import ImportFileError

__all__ = ["Grid", "grids", "read_bytes"]

ZIP_MAGIC = b"PK\x03\x04"  # xlsx, xlsm, xlsb, ods
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # xls (BIFF) and encrypted Office files
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # the stream Office puts a password-protected xlsx in
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".et")
PROBE_MEMORY = 4 << 30  # address space of the trial opening; a full 1,048,576-row sheet needs well under this
PROBE_SECONDS = 120


def read_bytes(source, filename: str) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise ImportFileError(
                _("无法打开文件“%(name)s”：%(reason)s") % {"name": filename, "reason": exc.strerror}
            ) from exc
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


@contextmanager
def _calamine_errors(filename: str):
    """Whatever python-calamine raises on a damaged file, a Rust panic included (pyo3's PanicException
    derives from BaseException), becomes a ImportFileError. Interrupts and exits pass through."""
    try:
        yield
    except BaseException as exc:
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise ImportFileError(_unreadable(filename, type(exc).__name__)) from exc


@dataclass
class Grid:
    """One candidate table: rows from Excel row 1 on, cells from column ``first_column`` on. ``merged`` lists
    the sheet's merged ranges as ((first row, first column), (last row, last column)), 0-based in the same
    coordinates (a merged cell's value sits in its top-left cell only; the header finder repeats it)."""

    name: str
    rows: Iterator[list]
    first_column: int = 0
    encoding: str | None = None
    merged: tuple = ()


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
        raise ImportFileError(_too_big(filename)) from exc
    if result.returncode == 3:
        raise ImportFileError(_unreadable(filename, result.stdout.decode("ascii", "replace").strip()))
    if result.returncode != 0:
        raise ImportFileError(_too_big(filename))


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


def _excel_grids(data: bytes, filename: str) -> Iterator[Grid]:
    if data.startswith(OLE_MAGIC) and ENCRYPTED_PACKAGE in data:  # an xlsx saved with a password
        raise ImportFileError(_unreadable(filename, PasswordError.__name__))
    _probe(data, filename)
    with _calamine_errors(filename):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            meta.name
            for meta in workbook.sheets_metadata
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet
        ]
    if not sheets:
        raise ImportFileError(_("文件“%(name)s”中没有可见的工作表") % {"name": filename})
    for name in sheets:
        with _calamine_errors(filename):
            sheet = workbook.get_sheet_by_name(name)
            start = sheet.start
            merged = (sheet.merged_cell_ranges or ()) if start is not None else ()
        if start is not None:
            merged = tuple(
                ((top, left - start[1]), (bottom, right - start[1])) for (top, left), (bottom, right) in merged
            )
            yield Grid(name, _guarded(sheet, filename), start[1], merged=merged)


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
    raise ImportFileError(
        _("无法识别文件“%(name)s”：既不是 Excel 文件，也不是 UTF-8 或 GBK 编码的 CSV 文件") % {"name": filename}
    )


def _csv_grids(data: bytes, filename: str) -> Iterator[Grid]:
    text, encoding = _decode(data, filename)
    for delimiter in (",", "\t"):
        yield Grid("", csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 0, encoding)


def grids(data: bytes, filename: str) -> Iterator[Grid]:
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return _excel_grids(data, filename)
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")) or b"<html" in head:
        raise ImportFileError(
            _("文件“%(name)s”是网页（HTML/XML）格式，不是真正的 Excel 文件：请用 Excel 打开后另存为 xlsx 再上传")
            % {"name": filename}
        )
    if filename.lower().endswith(EXCEL_SUFFIXES) and b"\x00" in data[:4096]:
        raise ImportFileError(_unreadable(filename, ""))
    return _csv_grids(data, filename)
