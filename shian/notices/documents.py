"""The notice as a 公文 (docs/notices.md §2): GB/T 9704-style red heading (the issuing office's name in red, the
document number 食安办函〔2026〕N号 under it, the red separating line), the title, the recipient, the type's standard
text, the facts, the requirement with the reply due, and the issuing office and date; in Word (shian.reports.docx)
and PDF (shian.reports.pdf, template notices/notice_document.html). Rendered from the notice's own fields, which do not
change once it is issued, so a later download is the document that was issued."""

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from shian.reports import docx as gw
from shian.reports.documents import chinese_date, file_name
from shian.reports.pdf import render_pdf

from .models import Notice

RED = RGBColor(0xE6, 0x00, 0x12)
RED_HEX = "E60012"
FORMATS = ("docx", "pdf")


def issuer_name(notice: Notice) -> str:
    """The issuing office: the food-safety commission's office of the issuer's region."""
    return _("%(r)s食品安全委员会办公室") % {"r": notice.issuer_region.name}


def title_of(notice: Notice) -> str:
    return _("关于%(s)s的%(t)s") % {"s": notice.subject, "t": notice.type_title}


def _due_text(notice: Notice) -> str:
    if notice.reply_due is None:
        days = notice.due_rule.get("amount") or notice.notice_type.reply_days
        return _("收到本文书之日起 %(n)d 个工作日内") % {"n": days}
    return chinese_date(timezone.localtime(notice.reply_due).date())


def standard_text(notice: Notice) -> str:
    """The type's standard text with its placeholders filled: {收文单位} {事由} {文书名称} {答复期限}."""
    text = notice.notice_type.template_text or ""
    for token, value in (("{收文单位}", notice.recipient_name), ("{事由}", notice.subject),
                         ("{文书名称}", notice.type_title), ("{答复期限}", _due_text(notice))):  # fmt: skip
        text = text.replace(token, value)
    return text.strip()


def content(notice: Notice) -> dict:
    """What the document says, once for both layouts."""
    previous = notice.previous
    paragraphs = []
    if previous is not None and previous.delivered_at:
        paragraphs.append(
            _("本办于%(d)s向你单位发出《%(t)s》（%(n)s），你单位未在%(due)s前答复。") % {
                "d": chinese_date(timezone.localtime(previous.delivered_at).date()), "t": title_of(previous),
                "n": previous.number, "due": _due_text(previous)}
        )  # fmt: skip
    if standard_text(notice):
        paragraphs.extend(p for p in standard_text(notice).splitlines() if p.strip())
    issued = timezone.localtime(notice.issued_at).date() if notice.issued_at else timezone.localdate()
    return {
        "organ": issuer_name(notice),
        "number": notice.number or _("（签发后编号）"),
        "title": title_of(notice),
        "recipient": notice.recipient_name,
        "opening": paragraphs,
        "facts": [p for p in notice.facts.splitlines() if p.strip()],
        "requirement": [p for p in notice.requirement.splitlines() if p.strip()],
        "reply": _("请于%(due)s前将落实情况书面答复本办（可通过平台答复并上传材料）。") % {"due": _due_text(notice)},
        "signature": [issuer_name(notice), chinese_date(issued)],
    }


class NoticeDocument(gw.Document):
    """A GB/T 9704 document with the red heading (版头) of an official letter."""

    def red_heading(self, organ: str, number: str) -> "NoticeDocument":
        head = self._para(organ, "GW Title")
        for run in head.runs:
            run.font.color.rgb = RED
            run.font.size = Pt(26)
        self._para("", "GW Body")
        line = self._para(number, "GW Body")
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.paragraph_format.first_line_indent = Pt(0)
        _red_rule(line)
        self._para("", "GW Body")
        return self


def _red_rule(paragraph) -> None:
    """The red separating line under the number: the paragraph's bottom border."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"), ("w:color", RED_HEX)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


def render_docx(notice: Notice) -> bytes:
    c = content(notice)
    doc = NoticeDocument(core_title=c["title"])
    doc.red_heading(c["organ"], c["number"])
    doc.title(c["title"])
    doc.paragraph(c["recipient"] + "：", indent=False)
    for text in c["opening"]:
        doc.paragraph(text)
    doc.heading(_("一、发现的问题"))
    for text in c["facts"]:
        doc.paragraph(text)
    doc.heading(_("二、工作要求"))
    for text in c["requirement"]:
        doc.paragraph(text)
    doc.paragraph(c["reply"])
    doc.signature(c["signature"])
    return doc.to_bytes()


def render_pdf_bytes(notice: Notice) -> bytes:
    return render_pdf("notices/notice_document.html", content(notice))


def render(notice: Notice, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the notice in `fmt` ("docx" or "pdf")."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    data = render_docx(notice) if fmt == "docx" else render_pdf_bytes(notice)
    stem = f"{notice.number or notice.type_title}_{notice.recipient_name}"
    return file_name(stem, fmt), data
