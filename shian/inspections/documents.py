"""The 监督检查结果记录表 (docs/inspections.md §5), printed for posting at the business: the entity, the date,
the inspectors, the outcome, the failed items, the rectification deadline, the 量化分级 face for catering, and
the two signatures' names. Laid out by shian.reports (GB/T 9704-ish, like the 包保 letters)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from shian.reports.documents import Section, chinese_date, paragraph, render_file, signature, subheading, table

from .models import CateringYearGrade, Inspection, Outcome
from .selectors.inspecting import failed_answers


def _facts(inspection: Inspection, signatures: list, year_grade) -> list[tuple[str, str]]:
    entity = inspection.entity
    rows = [
        (_("被检查单位"), entity.name),
        (_("统一社会信用代码"), entity.uscc or "—"),
        (_("地址"), getattr(entity, "address", "") or "—"),
        (_("检查类型"), inspection.get_kind_display()),
        (_("检查日期"), chinese_date(inspection.inspected_on)),
        (_("检查依据"), f"{inspection.checklist.title}（第 {inspection.checklist.version} 版）"),
        (_("检查人员"), "、".join(s.name for s in signatures)),
        (_("检查结果"), inspection.get_outcome_display()),
        (
            _("不符合项"),
            _("重点项 %(k)d 项，一般项 %(g)d 项") % {"k": inspection.key_failed, "g": inspection.general_failed},
        ),
    ]
    if inspection.catering_level:
        rows.append((_("量化分级（本次动态等级）"), inspection.get_catering_level_display()))
        if year_grade is not None:
            rows.append((_("年度等级"), f"{inspection.inspected_on.year} {year_grade.get_grade_display()}"))
    if inspection.publish_due:
        rows.append((_("结果公示期限"), chinese_date(inspection.publish_due)))
    return rows


def result_record(inspection: Inspection, *, fmt: str = "pdf") -> tuple[str, bytes]:
    """(file name, bytes) of the inspection's 监督检查结果记录表."""
    signatures = list(inspection.signatures.order_by("pk"))
    year_grade = CateringYearGrade.objects.filter(
        entity_id=inspection.entity_id, year=inspection.inspected_on.year
    ).first()
    blocks = [table((_("项目"), _("内容")), _facts(inspection, signatures, year_grade), (40, 116), compact=True)]
    failed = list(failed_answers(inspection))
    if failed:
        blocks.append(subheading(_("发现的问题")))
        rows = [(a.item.position, a.item.get_severity_display(), a.item.text, a.note) for a in failed]
        blocks.append(table((_("序号"), _("类型"), _("检查内容"), _("问题说明")), rows, (14, 20, 62, 60), compact=True))
    order = getattr(inspection, "order", None) if inspection.outcome != Outcome.CONFORM else None
    if order is not None:
        due = chinese_date(timezone.localtime(order.due_at).date())
        text = _("责令整改（%(no)s）：请于 %(due)s 前完成整改，并通过本单位账号反馈整改情况。") % {
            "no": order.number,
            "due": due,
        }
        if order.repeat:
            text += _("其中有同一检查项重复不符合，属重复违规。")
        blocks.append(paragraph(text))
    if inspection.summary:
        blocks.append(subheading(_("检查意见")))
        blocks.append(paragraph(inspection.summary))
    lines = [_("检查人员（签名）：%(n)s") % {"n": "、".join(s.name for s in signatures)}]
    lines.append(_("被检查单位签字：%(n)s") % {"n": inspection.entity_signer})
    lines.append(chinese_date(inspection.inspected_on))
    blocks.append(signature(lines))
    section = Section("result", _("食品安全监督检查结果记录表"), (inspection.station.name if inspection.station else "",),
                      blocks)  # fmt: skip
    stem = f"监督检查结果记录表_{inspection.entity.name}_{inspection.inspected_on:%Y%m%d}"
    return render_file([section], fmt=fmt, title=_("食品安全监督检查结果记录表"), stem=stem)
