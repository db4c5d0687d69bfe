"""The quarterly risk consultation as a 公文 (docs/warnings.md §5): the red heading of the county's food-safety
commission office (GB/T 9704, shian.notices.documents.NoticeDocument), the title, then the parts as
shian.reports.documents blocks, laid out in Word and in PDF (template warnings/consultation_document.html)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from shian.notices.documents import NoticeDocument
from shian.reports import docx as gw
from shian.reports.documents import Block, chinese_date, file_name, heading, numbered, paragraph, signature, table
from shian.reports.pdf import render_pdf

from .models import LEVEL_ORDER, Level
from .selectors.consultation import SOURCES, Consultation

FORMATS = ("docx", "pdf")


def _rate(tally) -> str:
    return _("无已到期的步骤") if tally.rate is None else f"{tally.rate}%"


def _ranking(rows, first: str) -> Block | None:
    if not rows:
        return None
    return table([_("序号"), first, *[str(label) for _k, label in SOURCES], _("合计")],
                 [(i, r.name, *[r.counts.get(k, 0) for k, _l in SOURCES], r.total) for i, r in enumerate(rows, 1)],
                 [12, 40, 22, 22, 22, 22, 16], compact=True)  # fmt: skip


def content(c: Consultation) -> dict:
    """What the report says, once for both layouts."""
    organ = _("%(r)s食品安全委员会办公室") % {"r": c.region_name}
    year, q = divmod(c.quarter, 10)
    title = _("%(r)s%(q)s食品安全风险会商报告") % {"r": c.region_name, "q": c.label}
    raised, closed = sum(c.raised.values()), sum(c.closed.values())
    period = _("%(a)s至%(b)s") % {"a": chinese_date(c.start), "b": chinese_date(c.end)}
    blocks: list[Block] = [paragraph(_(
        "本报告根据平台%(p)s的风险预警、监督抽检、投诉举报、监督检查记录自动生成%(x)s，供季度风险会商研判。") % {
            "p": period, "x": "" if c.complete else _("（季度未结束，数据截至%(d)s）") % {"d": chinese_date(c.end)}})]  # fmt: skip
    blocks.append(heading(_("一、风险预警发出和办结情况")))
    blocks.append(paragraph(_("本季度发出风险预警 %(r)d 条（上季度 %(p)d 条），办结 %(c)d 条。") % {
        "r": raised, "p": c.previous_raised, "c": closed}))  # fmt: skip
    blocks.append(table([_("预警等级"), _("发出"), _("办结")],
                        [(Level(lv).label, c.raised[lv], c.closed[lv]) for lv in LEVEL_ORDER]
                        + [(_("合计"), raised, closed)], [76, 40, 40]))  # fmt: skip
    kinds = [(label, r, cl) for _k, label, r, cl in c.kinds if r or cl]
    if kinds:
        blocks.append(table([_("预警类型"), _("发出"), _("办结")], kinds, [76, 40, 40]))
    blocks.append(heading(_("二、预警处置时效")))
    blocks.append(paragraph(_(
        "按时签收率 %(a)s（按时 %(ao)d 条、逾期 %(al)d 条、未到期 %(ap)d 条）；按时办结率 %(c)s（按时 %(co)d 条、"
        "逾期 %(cl)d 条、未到期 %(cp)d 条）。") % {
            "a": _rate(c.ack), "ao": c.ack.on_time, "al": c.ack.late, "ap": c.ack.pending,
            "c": _rate(c.closure), "co": c.closure.on_time, "cl": c.closure.late, "cp": c.closure.pending}))  # fmt: skip
    blocks.append(heading(_("三、风险集中的乡镇、业态和品类")))
    blocks.append(paragraph(_("本季度全县风险事件 %(n)d 件（风险预警、抽检不合格、投诉举报属实、监督检查重点项不符合）。") % {
        "n": c.events}))  # fmt: skip
    for rows, first, caption in ((c.townships, _("乡镇（街道）"), _("（一）风险事件较多的乡镇（街道）")),
                                 (c.business_types, _("业态"), _("（二）风险事件较多的业态"))):  # fmt: skip
        blocks.append(Block("subheading", text=caption))
        block = _ranking(rows, first)
        blocks.append(block or paragraph(_("本季度无。")))
    blocks.append(Block("subheading", text=_("（三）抽检不合格较多的食品品类")))
    if c.food_categories:
        blocks.append(table([_("序号"), _("食品品类"), _("不合格批次"), _("聚集预警")],
                            [(i, r.name, r.counts.get("samples", 0), r.counts.get("warnings", 0))
                             for i, r in enumerate(c.food_categories, 1)], [16, 80, 30, 30]))  # fmt: skip
    else:
        blocks.append(paragraph(_("本季度无。")))
    blocks.append(heading(_("四、风险预测模型")))
    m = c.model
    if m is None:
        blocks.append(paragraph(_("尚未训练模型。")))
    else:
        blocks.append(paragraph(_(
            "在用模型 %(v)s，训练于%(t)s（截止日期%(c)s，样本 %(n)d 条，特征 %(f)d 个）；留出期 AUC %(a).3f，"
            "现行计划排序（风险等级、到期日）AUC %(b).3f。") % {
                "v": m.version, "t": chinese_date(timezone.localtime(m.trained_at).date()), "c": chinese_date(m.cutoff),
                "n": m.rows, "f": len(m.features), "a": m.auc, "b": m.baseline_auc}))  # fmt: skip
    blocks.append(heading(_("五、下季度工作重点建议")))
    blocks.extend(numbered(_("%(t)s。理由：%(r)s。") % {"t": f.text, "r": f.reason} for f in c.focus))
    sign = [organ, chinese_date(timezone.localdate())]
    blocks.append(signature(sign))
    return {
        "organ": organ, "number": _("食安办会商〔%(y)d〕%(q)d号") % {"y": year, "q": q}, "title": title,
        "blocks": blocks, "stem": f"{c.region_name}_{c.quarter_text}_食品安全风险会商报告",
    }  # fmt: skip


def render_docx(c: Consultation) -> bytes:
    d = content(c)
    doc = NoticeDocument(core_title=d["title"])
    doc.red_heading(d["organ"], d["number"])
    doc.title(d["title"])
    for block in d["blocks"]:
        if block.kind == "heading":
            doc.heading(block.text)
        elif block.kind == "subheading":
            doc.heading(block.text, level=2)
        elif block.kind == "paragraph":
            doc.paragraph(block.text)
        elif block.kind == "table":
            doc.table(block.headers, block.rows, widths_mm=block.widths,
                      font_size=gw.SIZE_5 if block.compact else gw.SIZE_SMALL_4)  # fmt: skip
        elif block.kind == "signature":
            doc.signature(block.lines)
    return doc.to_bytes()


def render(c: Consultation, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the report in `fmt` ("docx" or "pdf")."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    d = content(c)
    data = render_docx(c) if fmt == "docx" else render_pdf("warnings/consultation_document.html", d)
    return file_name(d["stem"], fmt), data
