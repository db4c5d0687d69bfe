"""Handling a warning (docs/warnings.md §2): acknowledge → investigate (linking the inspections, samples and cases
it caused) → close with a finding. Each step starts the next step's working-day deadline and clears the overdue
mark; every step is audited. Only the station and administrators within the warning's region act on it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.cases.models import Case
from shian.core import audit, workdays
from shian.core.jurisdiction import require_in_scope
from shian.inspections.models import Inspection, InspectionTask
from shian.sampling.models import Sample

from .. import signals
from ..models import RiskWarning
from ..ruledefs import CLOSE_DAYS, INVESTIGATE_DAYS
from .routing import HANDLERS

State = RiskWarning.State
# What a warning may link to: (model, the field holding its region, a label).
LINKABLE = {
    "inspection_task": (InspectionTask, "region_id", lambda o: f"检查任务（期限 {o.due_on}）"),
    "inspection": (Inspection, "region_id", lambda o: f"监督检查 {o.inspected_on}"),
    "sample": (Sample, "region_id", lambda o: f"抽检 {o.number}"),
    "case": (Case, "region_id", lambda o: f"案件 {o.number}"),
}
MAX_FINDING = 2000


def can_handle(user) -> bool:
    return user.is_superuser or user.role in HANDLERS


def _locked(actor, warning: RiskWarning, expect: str) -> RiskWarning:
    if not can_handle(actor):
        raise PermissionDenied(_("只有市场监管所人员和管理员可以处理风险预警。"))
    require_in_scope(actor, warning.region_id)
    w = RiskWarning.objects.select_for_update().get(pk=warning.pk)
    if w.state != expect:
        raise ValidationError(_("该预警当前状态为“%(s)s”，不能进行此操作。") % {"s": w.get_state_display()})
    return w


def _advance(actor, w: RiskWarning, state: str, due_rule, stamp: str, now, **extra) -> RiskWarning:
    before = {"state": w.state}
    w.state = state
    setattr(w, stamp, now)
    w.step_due = (
        workdays.compute_due(rule_code=due_rule.code, start=now, region_code=w.region_id).due_at if due_rule else None
    )
    if state == State.ACKNOWLEDGED:  # each step's deadline is kept after it (the figures of a past day)
        w.investigate_due = w.step_due
    if state == State.INVESTIGATING:
        w.close_due = w.step_due  # kept after closing: the dashboard counts closures on time (docs/kpis.md)
    w.overdue_at = None
    w.handled_by = actor
    for k, v in extra.items():
        setattr(w, k, v)
    w.save()
    audit.record(actor=actor, action="warnings.step", obj=w, region_code=w.region_id, before=before,
                 after={"state": state, "step_due": w.step_due.isoformat() if w.step_due else None, **extra})  # fmt: skip
    return w


def acknowledge(*, actor, warning: RiskWarning) -> RiskWarning:
    with transaction.atomic():
        w = _locked(actor, warning, State.RAISED)
        return _advance(actor, w, State.ACKNOWLEDGED, INVESTIGATE_DAYS, "acknowledged_at", timezone.now())


def investigate(*, actor, warning: RiskWarning) -> RiskWarning:
    with transaction.atomic():
        w = _locked(actor, warning, State.ACKNOWLEDGED)
        return _advance(actor, w, State.INVESTIGATING, CLOSE_DAYS, "investigating_at", timezone.now())


def close(*, actor, warning: RiskWarning, finding: str) -> RiskWarning:
    finding = (finding or "").strip()
    if not finding:
        raise ValidationError(_("办结风险预警须填写核查结论。"))
    if len(finding) > MAX_FINDING:
        raise ValidationError(_("核查结论不能超过 %(n)d 字。") % {"n": MAX_FINDING})
    with transaction.atomic():
        w = _locked(actor, warning, State.INVESTIGATING)
        return _advance(actor, w, State.CLOSED, None, "closed_at", timezone.now(), finding=finding)


def link(*, actor, warning: RiskWarning, kind: str, pk) -> RiskWarning:
    """Link a record the investigation caused (an inspection task or inspection, a sample, a case) in scope."""
    if kind not in LINKABLE:
        raise ValidationError(_("关联记录类型“%(k)s”无效（可选：%(a)s）。") % {"k": kind, "a": "、".join(LINKABLE)})
    model, region_field, label = LINKABLE[kind]
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise ValidationError(_("关联记录编号“%(p)s”不是整数。") % {"p": pk}) from None
    with transaction.atomic():
        w = _locked(actor, warning, State.INVESTIGATING)
        obj = model.objects.filter(pk=pk).first()
        if obj is None:
            raise ValidationError(_("没有编号为 %(p)d 的%(m)s。") % {"p": pk, "m": model._meta.verbose_name})
        require_in_scope(actor, getattr(obj, region_field))
        entry = signals.item(obj, label(obj))
        if all((e["model"], e["pk"]) != (entry["model"], entry["pk"]) for e in w.links):
            w.links = w.links + [entry]
            w.save(update_fields=["links"])
            audit.record(actor=actor, action="warnings.step", obj=w, region_code=w.region_id, after={"link": entry})
    return w
