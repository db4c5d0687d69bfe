"""The steps of an item on the statutory clock (docs/complaints.md §4; docs/domain.md §9 and §15), each checked
against the actor's jurisdiction, audited, and refused with a clear message when out of turn:

- complaint: `accept` or `refuse` within `complaint.accept` WD of receipt; `mediate` (the result) within
  `complaint.mediation` WD of acceptance;
- report: `decide` (case filed or not) within `report.check` WD of receipt, `extend` once by
  `complaints.report_extension` WD with a named approver (no approver, no extension); a named informant is `tell`
  within `report.notify_informant` WD of the decision;
- either: `close` with the result, `transfer` to another office of the same province (the clock stops; the
  receiving office's clock starts on `receive_transfer`), `confirm_match` of a fuzzy entity match.

A step done after its due instant is kept in `late_steps` (the on-time KPIs read it)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, User
from shian.core import audit
from shian.core.jurisdiction import in_scope, require_in_scope, scope_queryset
from shian.core.permissions import require_perm
from shian.core.regioncodes import COUNTY, PROVINCE, ancestor
from shian.core.workdays import compute_due
from shian.entities.models import Entity
from shian.inspections.selectors.stations import station_of
from shian.regions.models import Region

from ..models import Complaint, Transfer
from ..ruledefs import EXTENSION, MEDIATION, NOTIFY
from .intake import CLOCK_SKEW, require_clerk, start_clock
from .routing import destination

K, S = Complaint.Kind, Complaint.Status
CLOCK_FIELDS = ["status", "due_at", "accept_due", "accepted_at", "mediation_due", "mediation_result", "check_due",
                "decided_at", "filed", "case_number", "notify_due", "told_at", "closed_at", "refuse_reason",
                "extension_reason", "extension_approver_id", "extended_at", "region_id", "station_id", "entity_id",
                "match", "in_transfer", "late_steps", "overdue_at", "escalated_at", "clock_started_at", "result"]  # fmt: skip


def _locked(actor, item: Complaint) -> Complaint:
    require_clerk(actor)
    require_in_scope(actor, item.region_id)
    return Complaint.objects.select_for_update(of=("self",)).get(pk=item.pk)


def _when(value, field: str, label: str, not_before: datetime.datetime | None = None) -> datetime.datetime:
    value = value or timezone.now()
    if not isinstance(value, datetime.datetime):
        raise ValidationError({field: [_("请填写%(f)s。") % {"f": label}]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + CLOCK_SKEW:
        raise ValidationError({field: [_("%(f)s不能晚于当前时间。") % {"f": label}]})
    if not_before and value < not_before:
        raise ValidationError({field: [_("%(f)s不能早于%(t)s。") % {"f": label, "t": _local(not_before)}]})
    return value


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _need(item: Complaint, kind: str | None, statuses, action: str) -> None:
    if kind and item.kind != kind:
        raise ValidationError(_("%(action)s只适用于%(kind)s。") % {"action": action, "kind": K(kind).label})
    if item.in_transfer:
        raise ValidationError(_("该件正在转办，接收单位签收后才能办理。"))
    if item.status not in statuses:
        raise ValidationError(_("该件当前状态为“%(s)s”，不能%(action)s。") % {"s": item.get_status_display(),
                                                                         "action": action})  # fmt: skip


def _finish_step(item: Complaint, step: str, at: datetime.datetime) -> None:
    """Close the open step at `at`: note it when late, and clear the overdue marks of the step."""
    due = getattr(item, f"{step}_due")
    if due is not None and at > due and step not in item.late_steps:
        item.late_steps = [*item.late_steps, step]
    item.due_at, item.overdue_at, item.escalated_at = None, None, None


def _next_step(item: Complaint, step: str, code: str, start: datetime.datetime) -> None:
    due = compute_due(rule_code=code, start=start, region_code=item.region_id)
    setattr(item, f"{step}_due", due.due_at)
    item.due_rules = {**item.due_rules, step: due.rule}
    item.due_at = due.due_at


def _save(actor, item: Complaint, before: dict, action: str, **extra) -> Complaint:
    item.save()
    audit.record(actor=actor, action=action, obj=item, region_code=item.region_id, before=before,
                 after=audit.changed(before, audit.snapshot(item, CLOCK_FIELDS)) | extra)  # fmt: skip
    return item


def _text(value, field: str, label: str, limit: int = 300, required: bool = True) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: [_("请填写%(f)s。") % {"f": label}]})
    if len(text) > limit:
        raise ValidationError({field: [_("%(f)s不能超过 %(n)d 个字。") % {"f": label, "n": limit}]})
    return text


# -- complaints -----------------------------------------------------------------------------------------------


@transaction.atomic
def accept(*, actor, complaint: Complaint, at: datetime.datetime | None = None) -> Complaint:
    """Accept a complaint (受理): mediation must end within `complaint.mediation` WD."""
    item = _locked(actor, complaint)
    _need(item, K.COMPLAINT, {S.RECEIVED}, _("受理"))
    at = _when(at, "at", _("受理时间"), item.clock_started_at)
    before = audit.snapshot(item, CLOCK_FIELDS)
    _finish_step(item, "accept", at)
    item.accepted_at, item.status = at, S.ACCEPTED
    _next_step(item, "mediation", MEDIATION, at)
    return _save(actor, item, before, "complaint.accept")


@transaction.atomic
def refuse(*, actor, complaint: Complaint, reason: str, at: datetime.datetime | None = None) -> Complaint:
    """Refuse a complaint (不予受理) with the reason the complainant is told."""
    item = _locked(actor, complaint)
    _need(item, K.COMPLAINT, {S.RECEIVED}, _("不予受理"))
    reason = _text(reason, "reason", _("不予受理理由"))
    at = _when(at, "at", _("决定时间"), item.clock_started_at)
    before = audit.snapshot(item, CLOCK_FIELDS)
    _finish_step(item, "accept", at)
    item.accepted_at, item.refuse_reason, item.status, item.closed_at = at, reason, S.REFUSED, at
    return _save(actor, item, before, "complaint.refuse")


@transaction.atomic
def mediate(*, actor, complaint: Complaint, result: str, note: str = "",
            at: datetime.datetime | None = None) -> Complaint:  # fmt: skip
    """Mediation ended (调解终结): agreed, failed or withdrawn."""
    item = _locked(actor, complaint)
    _need(item, K.COMPLAINT, {S.ACCEPTED}, _("登记调解结果"))
    if result not in Complaint.Mediation.values:
        raise ValidationError({"result": [_("请选择调解结果。")]})
    note = _text(note, "note", _("处理结果"), 2000, required=False)
    at = _when(at, "at", _("调解终结时间"), item.accepted_at)
    before = audit.snapshot(item, CLOCK_FIELDS)
    _finish_step(item, "mediation", at)
    item.mediation_result, item.result, item.status, item.closed_at = result, note, S.MEDIATED, at
    return _save(actor, item, before, "complaint.mediate")


# -- reports --------------------------------------------------------------------------------------------------


def named_informant(item: Complaint) -> bool:
    return not item.anonymous and bool(item.phone or item.informant_name)


@transaction.atomic
def decide(*, actor, complaint: Complaint, filed: bool, case_number: str = "", note: str = "",
           at: datetime.datetime | None = None) -> Complaint:  # fmt: skip
    """The filing decision on a report's clue (立案 or not): a named informant must then be told within
    `report.notify_informant` WD; an anonymous report is closed."""
    item = _locked(actor, complaint)
    _need(item, K.REPORT, {S.RECEIVED}, _("作出处理决定"))
    if filed not in (True, False):
        raise ValidationError({"filed": [_("请选择是否立案。")]})
    case_number = _text(case_number, "case_number", _("案件编号"), 40, required=False)
    note = _text(note, "note", _("处理结果"), 2000, required=not filed)
    at = _when(at, "at", _("决定时间"), item.clock_started_at)
    before = audit.snapshot(item, CLOCK_FIELDS)
    _finish_step(item, "check", at)
    item.decided_at, item.filed, item.case_number, item.result = at, filed, case_number, note
    if named_informant(item):
        item.status = S.DECIDED
        _next_step(item, "notify", NOTIFY, at)
    else:
        item.status, item.closed_at = S.CLOSED, at
    return _save(actor, item, before, "complaint.decide")


def mark_filed(actor, complaint: Complaint, case_number: str) -> Complaint:
    """The hook the cases module calls when it opens a case from a report: the filing decision, recorded now."""
    if complaint.kind == K.REPORT and complaint.status == S.RECEIVED:
        return decide(actor=actor, complaint=complaint, filed=True, case_number=case_number)
    with transaction.atomic():
        item = _locked(actor, complaint)
        if item.kind != K.REPORT or item.filed is False:
            raise ValidationError(_("只有尚未决定不予立案的举报可以立案。"))
        before = audit.snapshot(item, CLOCK_FIELDS)
        item.filed, item.case_number = True, _text(case_number, "case_number", _("案件编号"), 40)
        return _save(actor, item, before, "complaint.filed")


@transaction.atomic
def extend(*, actor, complaint: Complaint, approver_id: int | None, reason: str) -> Complaint:
    """Extend a report's check by `complaints.report_extension` WD from its due day, once, approved by a named
    administrator whose jurisdiction covers the item (the approval is recorded)."""
    item = _locked(actor, complaint)
    _need(item, K.REPORT, {S.RECEIVED}, _("延期"))
    if item.extended_at is not None:
        raise ValidationError(_("该件已延期一次，不能再次延期。"))
    reason = _text(reason, "reason", _("延期理由"))
    approver = User.objects.filter(pk=approver_id, is_active=True).first() if approver_id else None
    if approver is None:
        raise ValidationError({"approver": [_("延期须经负责人批准：请选择批准人。")]})
    if not (approver.is_superuser or (approver.role in ADMIN_ROLES and in_scope(approver, item.region_id))):
        raise ValidationError({"approver": [_("批准人须为管辖该件的管理员。")]})
    now = timezone.now()
    before = audit.snapshot(item, CLOCK_FIELDS)
    due = compute_due(rule_code=EXTENSION.code, start=item.check_due, region_code=item.region_id)
    item.check_due = item.due_at = due.due_at
    item.due_rules = {**item.due_rules, "extension": due.rule}
    item.extension_reason, item.extension_approver, item.extended_at = reason, approver, now
    if item.due_at > now:
        item.overdue_at = item.escalated_at = None
    return _save(actor, item, before, "complaint.extend", approver=approver.username)


@transaction.atomic
def tell(*, actor, complaint: Complaint, note: str = "", at: datetime.datetime | None = None) -> Complaint:
    """The named informant was told of the decision (告知)."""
    item = _locked(actor, complaint)
    _need(item, K.REPORT, {S.DECIDED}, _("登记告知"))
    at = _when(at, "at", _("告知时间"), item.decided_at)
    before = audit.snapshot(item, CLOCK_FIELDS)
    _finish_step(item, "notify", at)
    item.told_at, item.status, item.closed_at = at, S.TOLD, at
    if note:
        item.result = (item.result + "\n" + _text(note, "note", _("告知情况"), 500)).strip()
    return _save(actor, item, before, "complaint.tell")


@transaction.atomic
def close(*, actor, complaint: Complaint, result: str) -> Complaint:
    """Close an item whose clock is done (refused, mediated, told, or a duplicate) with its result (办结)."""
    item = _locked(actor, complaint)
    _need(item, None, {S.REFUSED, S.MEDIATED, S.TOLD, S.DUPLICATE}, _("办结"))
    result = _text(result, "result", _("处理结果"), 2000)
    before = audit.snapshot(item, CLOCK_FIELDS)
    item.result, item.status, item.due_at = result, S.CLOSED, None
    item.closed_at = item.closed_at or timezone.now()
    return _save(actor, item, before, "complaint.close")


# -- routing and transfers ------------------------------------------------------------------------------------


@transaction.atomic
def transfer(*, actor, complaint: Complaint, to_region: str, reason: str) -> Transfer:
    """Send an item not yet accepted or decided to another office of the same province (转办): the item moves
    there at once and its clock stops until that office receives it."""
    item = _locked(actor, complaint)
    _need(item, None, {S.RECEIVED}, _("转办"))
    reason = _text(reason, "reason", _("转办理由"))
    target = Region.objects.filter(code=(to_region or "").strip()).first()
    if target is None:
        raise ValidationError({"to_region": [_("接收区划“%(c)s”不存在。") % {"c": to_region}]})
    if target.code == item.region_id:
        raise ValidationError({"to_region": [_("接收区划与当前承办区划相同。")]})
    if ancestor(target.code, PROVINCE) != ancestor(item.region_id, PROVINCE):
        raise ValidationError({"to_region": [_("不能转办到本省以外的单位：请通过 12315 平台转送。")]})
    before = audit.snapshot(item, CLOCK_FIELDS)
    now = timezone.now()
    moved = Transfer.objects.create(complaint=item, from_region_id=item.region_id, to_region=target, reason=reason,
                                    sent_by=actor, sent_at=now)  # fmt: skip
    item.region_id = target.code
    item.station_id = station_of(target.code)
    item.in_transfer = True
    item.due_at = item.accept_due = item.check_due = None
    item.overdue_at = item.escalated_at = None
    _save(actor, item, before, "complaint.transfer", to_region=target.code, reason=reason)
    return moved


@transaction.atomic
def receive_transfer(*, actor, complaint: Complaint, at: datetime.datetime | None = None) -> Complaint:
    """The receiving office signs for a transferred item: its own clock starts now."""
    item = _locked(actor, complaint)
    if not item.in_transfer:
        raise ValidationError(_("该件没有待签收的转办。"))
    moved = item.transfers.filter(received_at__isnull=True).order_by("-sent_at", "-id").first()
    at = _when(at, "at", _("签收时间"), moved.sent_at if moved else None)
    before = audit.snapshot(item, CLOCK_FIELDS)
    if moved is not None:
        moved.received_at, moved.received_by = at, actor
        moved.save(update_fields=["received_at", "received_by"])
    item.in_transfer = False
    start_clock(item, at)
    return _save(actor, item, before, "complaint.receive_transfer")


@transaction.atomic
def confirm_match(*, actor, complaint: Complaint, entity_id: int | None) -> Complaint:
    """The clerk confirms the entity (the suggested one, or another picked in the jurisdiction) or rejects the
    suggestion (None); an item not yet accepted or decided is routed again to the confirmed entity's station."""
    item = _locked(actor, complaint)
    before = audit.snapshot(item, CLOCK_FIELDS)
    if entity_id is None:
        item.entity_id, item.match = None, Complaint.Match.NONE
        if item.status == S.RECEIVED and not item.in_transfer:  # no entity: back to the county desk
            item.region_id, item.station_id = ancestor(item.region_id, COUNTY) or item.region_id, None
    else:
        entity = scope_queryset(Entity.objects.all(), actor).filter(pk=entity_id).first()
        if entity is None:
            raise ValidationError({"entity": [_("主体不存在或不在您的管辖范围内。")]})
        item.entity_id, item.match = entity.pk, Complaint.Match.MATCHED
        region, station = destination(entity.region_id)
        if item.status == S.RECEIVED and not item.in_transfer and region != item.region_id:
            item.region_id, item.station_id = region, station
    return _save(actor, item, before, "complaint.confirm_match")


# -- personal data --------------------------------------------------------------------------------------------


def reveal_informant(*, actor, complaint: Complaint, reason: str) -> dict:
    """The informant's name, phone and ID number in clear, for a user with the right, with a reason; audited."""
    require_in_scope(actor, complaint.region_id)
    require_perm(actor, "accounts.unmask_pii", complaint)
    reason = _text(reason, "reason", _("查看理由"), 200)
    if complaint.anonymous:
        raise PermissionDenied(_("匿名举报没有可查看的举报人信息。"))
    audit.record(actor=actor, action="pii.unmask", obj=complaint, region_code=complaint.region_id,
                 after={"fields": ["id_number", "informant_name", "phone"], "reason": reason})  # fmt: skip
    return {"informant_name": complaint.informant_name, "phone": complaint.phone, "id_number": complaint.id_number}
