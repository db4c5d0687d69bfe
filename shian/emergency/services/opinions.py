"""Every write on a public-opinion item (docs/emergency.md §2): the item found online with its 24-hour feedback
clock, the feedback (late ones flagged), the verification with the complaint or case it led to, closure, and the
checker that flags and escalates missed feedback (§4)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.cases.models import Case
from shian.complaints.models import Complaint
from shian.core import audit, rules
from shian.core.deadlinechecks import Counts, Told, mark_each
from shian.core.jurisdiction import require_in_scope, scope_queryset
from shian.core.regioncodes import CITY, COUNTY
from shian.core.workdays import compute_due

from ..models import Opinion
from ..ruledefs import FEEDBACK, OPINION_ESCALATE
from . import common

AUDITED = ["number", "region_id", "entity_id", "source_url", "source_name", "title", "product", "heat", "found_at",
           "feedback_due", "fed_back_at", "feedback_late", "verification", "complaint_id", "case_id", "status",
           "closed_at"]  # fmt: skip
_URL = URLValidator(schemes=["http", "https"])


def create_opinion(*, actor, region_code: str = "", entity_id=None, source_url: str = "", source_name: str = "",
                   title: str = "", summary: str = "", heat=0, found_at=None, product: str = "") -> Opinion:  # fmt: skip
    """Record an item found at `found_at`: feedback is due `opinion.feedback` hours later (`feedback_due`, the
    rule kept in `due_rules`)."""
    common.require_writer(actor)
    errors: dict = {}
    region, entity = common.place(actor, region_code, entity_id, errors)
    values = {"source_url": source_url, "source_name": source_name, "title": title, "summary": summary,
              "product": " ".join(str(product or "").split())}  # fmt: skip
    source_url = common.text(values, Opinion, "source_url", errors, required=True)
    if source_url and "source_url" not in errors:
        try:
            _URL(source_url)
        except ValidationError:
            errors["source_url"] = [_("来源链接应为 http:// 或 https:// 开头的网址。")]
    source_name = common.text(values, Opinion, "source_name", errors)
    title = common.text(values, Opinion, "title", errors, required=True)
    summary = common.text(values, Opinion, "summary", errors, required=True)
    product = common.text(values, Opinion, "product", errors)
    heat = common.count(heat, "heat", _("热度"), errors)
    found_at = common.moment(found_at, "found_at", _("发现时间"), errors)
    if errors:
        raise ValidationError(errors)
    due = compute_due(rule_code=FEEDBACK, start=found_at, region_code=region.code)
    with transaction.atomic():
        opinion = common.create_numbered(
            Opinion, "YQ", region.code, found_at, region=region, entity=entity, source_url=source_url,
            source_name=source_name, title=title, product=product, summary=summary, heat=heat, found_at=found_at,
            feedback_due=due.due_at, due_rules={"feedback": due.rule}, created_by=actor,
        )  # fmt: skip
        audit.record(actor=actor, action="opinion.create", obj=opinion, region_code=opinion.region_id,
                     after=audit.snapshot(opinion, AUDITED))  # fmt: skip
    return opinion


def _locked(actor, opinion: Opinion) -> Opinion:
    common.require_writer(actor)
    require_in_scope(actor, opinion.region_id)
    opinion = Opinion.objects.select_for_update(of=("self",)).get(pk=opinion.pk)
    if opinion.status == Opinion.Status.CLOSED:
        raise ValidationError(_("舆情已办结，不能再修改。"))
    return opinion


@transaction.atomic
def give_feedback(*, actor, opinion: Opinion, fed_back_at=None, feedback: str = "") -> Opinion:
    """The feedback on the item, once; flagged late when after `feedback_due`."""
    opinion = _locked(actor, opinion)
    errors: dict = {}
    if opinion.fed_back_at:
        raise ValidationError({"feedback": [_("已于 %(t)s 反馈。") % {"t": common.local(opinion.fed_back_at)}]})
    feedback = common.text({"feedback": feedback}, Opinion, "feedback", errors, required=True)
    fed_back_at = common.moment(fed_back_at, "fed_back_at", _("反馈时间"), errors)
    if fed_back_at and "fed_back_at" not in errors and fed_back_at < opinion.found_at:
        errors["fed_back_at"] = [_("反馈时间不能早于发现时间（%(t)s）。") % {"t": common.local(opinion.found_at)}]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(opinion, ["fed_back_at", "feedback_late"])
    opinion.fed_back_at, opinion.feedback = fed_back_at, feedback
    opinion.feedback_late = fed_back_at > opinion.feedback_due
    opinion.save(update_fields=["fed_back_at", "feedback", "feedback_late"])
    audit.record(actor=actor, action="opinion.feedback", obj=opinion, region_code=opinion.region_id, before=before,
                 after=audit.snapshot(opinion, ["fed_back_at", "feedback_late"]))  # fmt: skip
    return opinion


@transaction.atomic
def verify(*, actor, opinion: Opinion, verification: str = "", note: str = "", complaint_id=None,
           case_id=None) -> Opinion:  # fmt: skip
    """The verification result, and the complaint or case the item led to (each in the actor's jurisdiction)."""
    opinion = _locked(actor, opinion)
    errors: dict = {}
    if verification not in Opinion.Verification.values or verification == Opinion.Verification.PENDING:
        errors["verification"] = [_("请选择核实结果（属实、部分属实或不实）。")]
    note = common.text({"verification_note": note}, Opinion, "verification_note", errors, required=True)
    linked = {}
    for field, model, pk, label in (("complaint", Complaint, complaint_id, _("投诉举报")),
                                    ("case", Case, case_id, _("案件"))):  # fmt: skip
        if pk in (None, ""):
            continue
        row = scope_queryset(model.objects.filter(pk=pk), actor).first() if str(pk).isdigit() else None
        if row is None:
            errors[field] = [_("%(l)s %(pk)s 不存在或不在您的管辖范围内。") % {"l": label, "pk": pk}]
        linked[field] = row
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(opinion, AUDITED)
    opinion.verification, opinion.verification_note, opinion.verified_at = verification, note, timezone.now()
    for field, row in linked.items():
        setattr(opinion, field, row)
    opinion.save()
    changed = audit.changed(before, audit.snapshot(opinion, AUDITED))
    audit.record(actor=actor, action="opinion.verify", obj=opinion, region_code=opinion.region_id,
                 before={k: before[k] for k in changed}, after=changed)  # fmt: skip
    return opinion


@transaction.atomic
def close(*, actor, opinion: Opinion) -> Opinion:
    """Close an item once fed back and verified."""
    opinion = _locked(actor, opinion)
    missing = []
    if not opinion.fed_back_at:
        missing.append(_("反馈"))
    if opinion.verification == Opinion.Verification.PENDING:
        missing.append(_("核实"))
    if missing:
        raise ValidationError({"status": [_("尚未%(m)s，不能办结。") % {"m": "、".join(str(m) for m in missing)}]})
    opinion.status, opinion.closed_at = Opinion.Status.CLOSED, timezone.now()
    opinion.save(update_fields=["status", "closed_at"])
    audit.record(actor=actor, action="opinion.close", obj=opinion, region_code=opinion.region_id,
                 after={"status": opinion.status, "closed_at": opinion.closed_at.isoformat()})  # fmt: skip
    return opinion


# -- the clock (§4) ---------------------------------------------------------------------------------------------


def check(now: datetime.datetime) -> Counts:
    """The feedback clock at `now`: items not fed back past `feedback_due` are marked overdue and the county desk
    and the clerk told (once each); those still without feedback `emergency.opinion_escalate_hours` later go to the
    city (once each). Idempotent."""
    pending = Opinion.objects.filter(fed_back_at__isnull=True, status=Opinion.Status.OPEN)
    admins, hours = common.Admins(), {}

    def escalate_after(opinion: Opinion) -> datetime.timedelta:
        if opinion.region_id not in hours:
            hours[opinion.region_id] = rules.value(OPINION_ESCALATE.code, opinion.region_id, timezone.localdate(now))
        return datetime.timedelta(hours=hours[opinion.region_id])

    overdue = mark_each(
        pending.filter(feedback_due__lt=now), field="overdue_at", now=now,
        tell=lambda o, told: _tell(o, [*admins(o.region_id, COUNTY), o.created_by], "opinion.feedback_overdue",
                                   _("舆情 %(n)s（%(t)s）反馈期限 %(d)s 已过，尚未反馈。"), told),
    )  # fmt: skip
    escalated = mark_each(
        pending.filter(overdue_at__isnull=False), field="escalated_at", now=now,
        ready=lambda o: now >= o.feedback_due + escalate_after(o),
        tell=lambda o, told: _tell(o, admins(o.region_id, CITY), "opinion.escalated",
                                   _("舆情 %(n)s（%(t)s）反馈期限 %(d)s 已过仍未反馈，已上报市级。"), told),
    )  # fmt: skip
    return Counts(checked=pending.count(), overdue=overdue, escalated=escalated)


def _tell(opinion: Opinion, users, action: str, text: str, told: Told) -> None:
    values = {"n": opinion.number, "t": opinion.title, "d": common.local(opinion.feedback_due)}
    told.notify(users=users, text=text % values,
                url=reverse("emergency:opinion_detail", args=[opinion.pk]), kind=action, group=opinion.region_id,
                group_text=_("%(n)d 条舆情逾期未反馈"), group_url=reverse("emergency:opinions") + "?feedback=overdue")  # fmt: skip
    told.audit(
        action=action, obj=opinion, region_code=opinion.region_id, after={"due": opinion.feedback_due.isoformat()}
    )
