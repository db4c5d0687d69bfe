"""A document's content written once and laid out twice: Word (GB/T 9704 via reports.docx) and PDF
(WeasyPrint via reports.pdf and the `reports/document.html` template).

An app builds a list of `Section`s (each starts a new page) of `Block`s, then calls `render`:

    sections = [Section("duties", "食品安全包保责任清单", ("（2026年度）",), [heading("一、职责"), paragraph("……")])]
    data = render(sections, fmt="pdf", title="张三包保清单与承诺书")
    name, data = render_file(sections, fmt="docx", title="张三包保清单与承诺书", stem="宝都街道_张三_包保清单与承诺书")
    return attachment(name, data)  # the download response of a view

Lists and letters (check tables, pledges with their signature) are built with `reports.letters`; many files in
one download with `reports.bundles.zip_bundle`.
"""

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.http import FileResponse
from django.utils.translation import gettext as _

from . import docx as gw
from .pdf import render_pdf

FORMATS = ("docx", "pdf")
CONTENT_TYPES = {"docx": gw.CONTENT_TYPE, "pdf": "application/pdf"}
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Block:
    """One piece of a section: heading, subheading, paragraph, table or signature."""

    kind: str
    text: str = ""
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = ()  # mm, summing to the 156 mm type area
    compact: bool = False  # a wide table in 五号 instead of 小四
    row_height: float | None = None  # mm, for blank rows to fill in by hand
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """One part of a document, starting on its own page."""

    key: str
    title: str
    subtitle: tuple[str, ...] = ()
    blocks: list[Block] = field(default_factory=list)


def heading(text: str) -> Block:
    return Block("heading", text=text)


def subheading(text: str) -> Block:
    return Block("subheading", text=text)


def paragraph(text: str) -> Block:
    return Block("paragraph", text=text)


def numbered(items: Iterable[str]) -> list[Block]:
    """Paragraphs "1.……", "2.……" as numbered duties are written in 公文."""
    return [paragraph(f"{n}.{text}") for n, text in enumerate(items, 1)]


def table(headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[float] | None, *, compact=False,
          row_height=None):  # fmt: skip
    """A table block; `widths` in mm, or None for equal columns across the type area."""
    rows = tuple(tuple("" if v is None else str(v) for v in row) for row in rows)
    return Block("table", headers=tuple(headers), rows=rows, widths=tuple(widths) if widths else None,
                 compact=compact, row_height=row_height)  # fmt: skip


def signature(lines: Sequence[str]) -> Block:
    return Block("signature", lines=tuple(lines))


def chinese_date(day: datetime.date) -> str:
    """2026年3月5日 (no leading zeros, as official documents write dates)."""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _docx(sections: Sequence[Section], title: str) -> bytes:
    doc = gw.Document(core_title=title)
    for index, section in enumerate(sections):
        if index:
            doc.page_break()
        doc.title(section.title)
        for line in section.subtitle:
            doc.subtitle(line)
        for block in section.blocks:
            if block.kind == "heading":
                doc.heading(block.text)
            elif block.kind == "subheading":
                doc.heading(block.text, level=2)
            elif block.kind == "paragraph":
                doc.paragraph(block.text)
            elif block.kind == "table":
                size = gw.SIZE_5 if block.compact else gw.SIZE_SMALL_4
                doc.table(
                    block.headers, block.rows, widths_mm=block.widths, font_size=size, row_height_mm=block.row_height
                )
            elif block.kind == "signature":
                doc.signature(block.lines)
    return doc.to_bytes()


def render(sections: Sequence[Section], *, fmt: str, title: str) -> bytes:
    """The document's bytes in `fmt` ("docx" or "pdf")."""
    if fmt == "docx":
        return _docx(sections, title)
    if fmt == "pdf":
        return render_pdf("reports/document.html", {"title": title, "sections": sections})
    raise ValueError(fmt)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name(stem: str, fmt: str) -> str:
    """`stem.fmt` with characters Windows refuses in file names replaced by "_"."""
    return f"{_UNSAFE.sub('_', stem).strip()}.{fmt}"


def render_file(sections: Sequence[Section], *, fmt: str, title: str, stem: str) -> tuple[str, bytes]:
    """(file name, bytes) of the document in `fmt`: `render` and `file_name` together."""
    return file_name(stem, fmt), render(sections, fmt=fmt, title=title)


def attachment(name: str, data: bytes) -> FileResponse:
    """The download of a rendered document, its content type from the file name's extension."""
    fmt = name.rsplit(".", 1)[-1]
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])
