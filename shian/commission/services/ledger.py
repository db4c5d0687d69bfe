"""The key-work ledger (重点工作台账, docs/commission.md §2): the commission's office adds lines; the lead department's
users update their own lines (status, progress, evidence); another department's user is refused with a message.
The Excel export holds the lines the user may see."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Department
from shian.core import audit
from shian.reports.xlsx import Column, write_xlsx

from ..models import KeyWork
from .common import clean_text, raise_if, require_admin, require_owner

AUDITED = ["region_id", "year", "project", "lead_department_id", "deadline", "status", "completed_on"]


def add_line(*, actor, region_code: str, year: int, project: str, lead: str, deadline: datetime.date,
             supporting=()) -> KeyWork:  # fmt: skip
    require_admin(actor, region_code)
    errors: dict = {}
    project = clean_text(project, _("工作项目"), 200, errors, "project")
    department = Department.objects.filter(code=lead).first()
    if department is None:
        errors["lead"] = [_("牵头部门不存在：%(c)s。") % {"c": lead}]
    helpers = list(Department.objects.filter(code__in=list(supporting)))
    unknown = sorted(set(supporting) - {d.code for d in helpers})
    if unknown:
        errors["supporting"] = [_("配合部门不存在：%(c)s。") % {"c": "、".join(unknown)}]
    if not isinstance(deadline, datetime.date) or deadline.year < year:
        errors["deadline"] = [_("完成时限须为 %(y)d 年内或以后的日期。") % {"y": year}]
    raise_if(errors)
    with transaction.atomic():
        line = KeyWork.objects.create(region_id=region_code, year=year, project=project, lead_department=department,
                                      deadline=deadline)  # fmt: skip
        line.supporting.set(helpers)
        audit.record(actor=actor, action="commission.keywork", obj=line, region_code=region_code,
                     after=audit.snapshot(line, AUDITED))  # fmt: skip
    return line


def update_line(*, actor, line: KeyWork, status: str, progress: str = "", evidence=None,
                on: datetime.date | None = None) -> KeyWork:  # fmt: skip
    require_owner(actor, line.region_id, line.lead_department_id)
    errors: dict = {}
    if status not in KeyWork.Status.values:
        errors["status"] = [_("状态无效：%(s)s。") % {"s": status}]
    progress = clean_text(progress, _("进展情况"), 5000, errors, "progress", required=False)
    raise_if(errors)
    before = audit.snapshot(line, AUDITED)
    with transaction.atomic():
        line.status = status
        line.progress = progress or line.progress
        line.completed_on = (on or timezone.localdate()) if status == KeyWork.Status.DONE else None
        if evidence is not None:
            line.evidence.save(evidence.name, evidence, save=False)
        line.save()
        audit.record(actor=actor, action="commission.keywork_update", obj=line, region_code=line.region_id,
                     before=before, after=audit.changed(before, audit.snapshot(line, AUDITED)))  # fmt: skip
    return line


COLUMNS = [Column(_("年度"), 8), Column(_("工作项目"), 40), Column(_("牵头部门"), 16), Column(_("配合部门"), 24),
           Column(_("完成时限"), 12), Column(_("状态"), 10), Column(_("完成日期"), 12), Column(_("进展情况"), 40),
           Column(_("佐证材料"), 10)]  # fmt: skip


def export(lines, output) -> int:
    """The ledger as an Excel sheet (shian.reports.xlsx)."""
    rows = (
        [line.year, line.project, line.lead_department.name, "、".join(d.name for d in line.supporting.all()),
         line.deadline, line.get_status_display(), line.completed_on, line.progress,
         _("有") if line.evidence else _("无")]
        for line in lines
    )  # fmt: skip
    return write_xlsx(output, COLUMNS, rows, sheet_name=_("重点工作台账"))
