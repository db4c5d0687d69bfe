"""Official documents (公文) in the layout of GB/T 9704-2012, with python-docx, for every app.

The page is A4 with the standard's type area (版心) of 156 x 225 mm: top margin 37 mm, bottom 35 mm,
left (binding side) 28 mm, right 26 mm. The title is 二号 (22 pt) 小标宋, centred; body text 三号 (16 pt)
仿宋 with a two-character first-line indent and a fixed 28.95 pt line pitch (22 lines a page); level-1
headings 黑体 and level-2 headings 楷体, both 三号; page numbers "— 1 —" in 四号 (14 pt) 宋体 below the
type area, on the right of odd pages and the left of even pages, one character in from the edge.

Each run names its East Asian font (w:rFonts/@w:eastAsia) as government PCs have it (方正小标宋简体,
仿宋, 黑体, 楷体, 宋体); the font table gives each an alternative name (w:altName: Noto Serif/Sans CJK SC)
that word processors substitute where the first is missing. Latin letters and digits use Times New Roman.

    doc = Document("关于……的通知")
    doc.paragraph("正文……")
    doc.heading("一、工作目标")
    doc.table(["序号", "名称"], [["1", "某某"]])
    doc.signature(["某某县食品安全委员会办公室", "2026年3月5日"])
    data = doc.to_bytes()
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from docx import Document as _open_template
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from lxml import etree

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Chinese type sizes (字号) in points.
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四
SIZE_5 = Pt(10.5)  # 五号

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH_MM = 156
LINE_PITCH = Twips(579)  # 28.95 pt: 22 lines in the 225 mm type area
LATIN_FONT = "Times New Roman"


@dataclass(frozen=True)
class Face:
    """A Chinese typeface: the name a government PC has, and the free font to substitute elsewhere."""

    name: str
    fallback: str
    family: str = "roman"  # the font table's generic family: roman (serif) or swiss (sans)


XIAOBIAOSONG = Face("方正小标宋简体", "Noto Serif CJK SC")
FANGSONG = Face("仿宋", "Noto Serif CJK SC")
HEITI = Face("黑体", "Noto Sans CJK SC", "swiss")
KAITI = Face("楷体", "Noto Serif CJK SC")
SONGTI = Face("宋体", "Noto Serif CJK SC")

_STYLES = {
    # name: (face, size, bold)
    "GW Title": (XIAOBIAOSONG, SIZE_2, False),
    "GW Subtitle": (KAITI, SIZE_3, False),
    "GW Body": (FANGSONG, SIZE_3, False),
    "GW Heading 1": (HEITI, SIZE_3, False),
    "GW Heading 2": (KAITI, SIZE_3, False),
    "GW Table": (FANGSONG, SIZE_SMALL_4, False),
    "GW Page Number": (SONGTI, SIZE_4, False),
}


def _set_run_fonts(rpr, face: Face) -> None:
    """Name the East Asian and Latin fonts explicitly (theme fonts would otherwise win in Word)."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)
    rfonts.set(qn("w:cs"), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), face.name)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


class Document:
    """A GB/T 9704-style document built top to bottom; `title` (optional) starts it."""

    def __init__(self, title: str | None = None, *, core_title: str | None = None):
        self._doc = _open_template()
        self._page_break_pending = False
        self._setup_page()
        self._setup_styles()
        self._setup_font_table()
        self._setup_footer()
        self._doc.core_properties.title = core_title or title or ""
        self._doc.core_properties.language = "zh-CN"
        # the template's single empty paragraph
        body = self._doc.element.body
        for p in body.findall(qn("w:p")):
            body.remove(p)
        if title:
            self.title(title)

    # -- content -------------------------------------------------------------------------------------------

    def title(self, text: str) -> "Document":
        """A document title (小标宋 二号, centred) followed by one blank line, as the standard asks."""
        self._para(text, "GW Title")
        self._para("", "GW Body")
        return self

    def subtitle(self, text: str) -> "Document":
        """A centred 楷体 line under a title (a year, an issuing body, the person concerned)."""
        self._para(text, "GW Subtitle")
        return self

    def heading(self, text: str, level: int = 1) -> "Document":
        """Level 1 "一、" in 黑体, level 2 "（一）" in 楷体; indented two characters like the body."""
        paragraph = self._para(text, "GW Heading 1" if level <= 1 else "GW Heading 2")
        paragraph.paragraph_format.keep_with_next = True
        return self

    def paragraph(self, text: str, *, indent: bool = True, align: str = "justify", bold: bool = False) -> "Document":
        """Body text (仿宋 三号). `align` is one of left, center, right, justify."""
        paragraph = self._para(text, "GW Body", bold=bold)
        if not indent:
            paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.alignment = _ALIGN[align]
        return self

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence],
        *,
        widths_mm: Sequence[float] | None = None,
        font_size: Pt = SIZE_SMALL_4,
        row_height_mm: float | None = None,
    ) -> "Document":
        """A bordered table, centred, its header row in 黑体 and repeated on every page. Cells are text;
        None is blank. `widths_mm` defaults to equal columns across the 156 mm type area; `row_height_mm`
        gives body rows a minimum height (room to write by hand in a blank ledger)."""
        if self._page_break_pending:
            self._para("", "GW Body")
        ncols = len(headers)
        widths = list(widths_mm) if widths_mm else [TEXT_WIDTH_MM / ncols] * ncols
        table = self._doc.add_table(rows=1, cols=ncols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _set_borders(table)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
        header = table.rows[0]
        _repeat_header(header)
        for index, text in enumerate(headers):
            self._cell(header.cells[index], text, widths[index], font_size, face=HEITI, center=True)
        for values in rows:
            row = table.add_row()
            if row_height_mm:
                row.height, row.height_rule = Mm(row_height_mm), WD_ROW_HEIGHT_RULE.AT_LEAST
            cells = row.cells
            for index in range(ncols):
                value = values[index] if index < len(values) else None
                self._cell(cells[index], "" if value is None else str(value), widths[index], font_size)
        # a paragraph after a table keeps two adjacent tables apart and gives the next text a line
        self._para("", "GW Body")
        return self

    def signature(self, lines: Sequence[str]) -> "Document":
        """The signing block: after a blank line, each line right-aligned four characters in from the edge
        (成文日期右空四字)."""
        self._para("", "GW Body").paragraph_format.keep_with_next = True
        for number, line in enumerate(lines, 1):
            paragraph = self._para(line, "GW Body")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt = paragraph.paragraph_format
            fmt.first_line_indent = Pt(0)
            fmt.right_indent = 4 * SIZE_3
            fmt.keep_with_next = number < len(lines)  # the block stays on one page
        return self

    def page_break(self) -> "Document":
        """The next paragraph (usually a title) starts a new page."""
        self._page_break_pending = True
        return self

    # -- output --------------------------------------------------------------------------------------------

    def save(self, fileobj: str | IO[bytes]) -> None:
        self._doc.save(fileobj)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._doc.save(out)
        return out.getvalue()

    # -- internals -----------------------------------------------------------------------------------------

    def _para(self, text: str, style: str, *, bold: bool = False):
        paragraph = self._doc.add_paragraph(style=style)
        if text:
            run = paragraph.add_run(text)
            if bold:
                run.bold = True
        if self._page_break_pending:
            paragraph.paragraph_format.page_break_before = True
            self._page_break_pending = False
        return paragraph

    def _cell(self, cell, text: str, width_mm: float, size, *, face: Face = FANGSONG, center: bool = False) -> None:
        cell.width = Mm(width_mm)
        paragraph = cell.paragraphs[0]
        paragraph.style = self._doc.styles["GW Table"]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        lines = text.split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.font.size = size
            if face is not FANGSONG:
                _set_run_fonts(run._element.get_or_add_rPr(), face)
            if number < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)

    def _setup_page(self) -> None:
        section = self._doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        # the page number's rule sits 7 mm below the type area: footer bottom = 35 - 7 - one 四号 line
        section.footer_distance = Mm(23)
        section.header_distance = Mm(15)
        section.gutter = Mm(0)

    def _setup_styles(self) -> None:
        styles = self._doc.styles
        # document defaults: 仿宋 三号, Chinese language, no theme fonts
        defaults = self._doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                _set_run_fonts(rpr, FANGSONG)
                _set_language(rpr)
        normal = styles["Normal"]
        _set_run_fonts(normal.element.get_or_add_rPr(), FANGSONG)
        normal.font.size = SIZE_3
        for name, (face, size, bold) in _STYLES.items():
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = normal
            style.font.size = size
            style.font.bold = bold
            _set_run_fonts(style.element.get_or_add_rPr(), face)
            fmt = style.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.widow_control = True
            if name == "GW Table":
                fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
                fmt.first_line_indent = Pt(0)
                continue
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = LINE_PITCH
            if name in ("GW Title", "GW Subtitle"):
                fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
                fmt.first_line_indent = Pt(0)
            elif name == "GW Page Number":
                fmt.first_line_indent = Pt(0)
            else:
                fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                fmt.first_line_indent = 2 * SIZE_3
        # the title is larger than the body pitch allows: give it its own, like 2 x 22 pt lines would
        styles["GW Title"].paragraph_format.line_spacing = Pt(35)

    def _setup_font_table(self) -> None:
        """Declare each Chinese face with its substitute (w:altName) in word/fontTable.xml."""
        for part in self._doc.part.package.parts:
            if str(part.partname).endswith("/fontTable.xml"):
                break
        else:  # pragma: no cover - python-docx's template always has one
            return
        root = etree.fromstring(part.blob)
        known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
        for face in (XIAOBIAOSONG, FANGSONG, HEITI, KAITI, SONGTI):
            if face.name in known:
                continue
            known.add(face.name)
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), face.name)
            for tag, value in (("w:altName", face.fallback), ("w:charset", "86"), ("w:family", face.family)):
                etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
            etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _setup_footer(self) -> None:
        """Page numbers "— n —": odd pages on the right, even pages on the left, one character in."""
        self._doc.settings.odd_and_even_pages_header_footer = True
        section = self._doc.sections[0]
        for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = self._doc.styles["GW Page Number"]
            paragraph.alignment = _ALIGN[align]
            if align == "right":
                paragraph.paragraph_format.right_indent = SIZE_4
            else:
                paragraph.paragraph_format.left_indent = SIZE_4
            paragraph.add_run("— ")
            _add_page_field(paragraph)
            paragraph.add_run(" —")


_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _add_page_field(paragraph) -> None:
    """A PAGE field (begin / instruction / separate / cached value / end), which every word processor updates."""
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        elif kind == "text":
            node = OxmlElement("w:t")
            node.text = text
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run._element.append(node)


def _set_borders(table) -> None:
    """Single 0.5 pt borders on every edge and between every cell (not relying on a named table style).
    The fixed layout (w:tblLayout) comes from `table.autofit = False`."""
    tbl_pr = table._element.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:val"), "single")
        node.set(qn("w:sz"), "4")
        node.set(qn("w:space"), "0")
        node.set(qn("w:color"), "000000")
        borders.append(node)
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"
    )


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    node = OxmlElement("w:tblHeader")
    node.set(qn("w:val"), "true")
    tr_pr.append(node)
