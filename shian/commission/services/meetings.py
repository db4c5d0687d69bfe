"""Meetings and their decisions (docs/commission.md §1): the commission's office records a meeting and its decisions;
each decision is a task of its lead department or township with a deadline (by default the working-day rule
`commission.decision_days` from the meeting), progress notes, evidence and completion. The deadline check marks each
unfinished decision past its deadline once, with an audit entry and an alert to the lead's users."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Department, User
from shian.core import audit, rules
from shian.core.deadlinechecks import Counts
from shian.core.regioncodes import TOWNSHIP, level_of
from shian.core.services import notify
from shian.core.workdays import add_working_days
from shian.regions.models import Region

from ..models import Decision, DecisionNote, Meeting
from ..ruledefs import DECISION_DAYS
from .common import clean_text, raise_if, require_admin, require_owner

MEETING_AUDIT = ["region_id", "kind", "title", "held_on"]
DECISION_AUDIT = ["meeting_id", "seq", "lead_department_id", "lead_township_id", "deadline", "status", "completed_on"]


def create_meeting(*, actor, region_code: str, kind: str, title: str, held_on: datetime.date, agenda: str,
                   attendees=(), minutes: str = "", minutes_file=None) -> Meeting:  # fmt: skip
    require_admin(actor, region_code)
    errors: dict = {}
    if kind not in Meeting.Kind.values:
        errors["kind"] = [_("请选择会议类型（全体会议或专题会议）。")]
    title = clean_text(title, _("会议名称"), 200, errors, "title")
    agenda = clean_text(agenda, _("议程"), 5000, errors, "agenda")
    minutes = clean_text(minutes, _("会议纪要"), 20000, errors, "minutes", required=False)
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = [_("请填写会议日期。")]
    departments = list(Department.objects.filter(code__in=list(attendees)))
    unknown = sorted(set(attendees) - {d.code for d in departments})
    if unknown:
        errors["attendees"] = [_("参会部门不存在：%(c)s。") % {"c": "、".join(unknown)}]
    raise_if(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(region_id=region_code, kind=kind, title=title, held_on=held_on,
                                         agenda=agenda, minutes=minutes, created_by=actor)  # fmt: skip
        meeting.attendees.set(departments)
        if minutes_file is not None:
            meeting.minutes_file.save(minutes_file.name, minutes_file)
        audit.record(actor=actor, action="commission.meeting", obj=meeting, region_code=region_code,
                     after=audit.snapshot(meeting, MEETING_AUDIT))  # fmt: skip
    return meeting


def add_decision(*, actor, meeting: Meeting, text: str, department_code: str = "", township_code: str = "",
                 deadline: datetime.date | None = None) -> Decision:  # fmt: skip
    """A decision of `meeting` as a task of one lead (a department, or a township of the meeting's region); without
    a deadline, the rule's working days from the meeting. A deadline before the meeting is refused."""
    require_admin(actor, meeting.region_id)
    errors: dict = {}
    text = clean_text(text, _("议定事项"), 2000, errors, "text")
    department = township = None
    if department_code and township_code:
        errors["lead"] = [_("牵头单位只能是一个部门或一个乡镇（街道）。")]
    elif department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            errors["lead"] = [_("牵头部门不存在：%(c)s。") % {"c": department_code}]
    elif township_code:
        township = Region.objects.filter(code=township_code).first()
        if township is None or level_of(township_code) != TOWNSHIP or not township_code.startswith(meeting.region_id):
            errors["lead"] = [_("牵头乡镇须为本区划内的乡镇（街道）：%(c)s。") % {"c": township_code}]
    else:
        errors["lead"] = [_("请选择牵头部门或牵头乡镇（街道）。")]
    due_rule: dict = {}
    if deadline is None:
        rule = rules.rule(DECISION_DAYS.code, meeting.region_id, meeting.held_on)
        deadline, due_rule = add_working_days(meeting.held_on, rule.value), rule.snapshot()
    elif deadline < meeting.held_on:
        errors["deadline"] = [_("办理期限（%(d)s）不能早于会议日期（%(m)s）。") % {"d": deadline, "m": meeting.held_on}]
    raise_if(errors)
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        seq = (meeting.decisions.aggregate(m=Max("seq"))["m"] or 0) + 1
        decision = Decision.objects.create(meeting=meeting, region_id=meeting.region_id, seq=seq, text=text,
                                           lead_department=department, lead_township=township, deadline=deadline,
                                           due_rule=due_rule)  # fmt: skip
        audit.record(actor=actor, action="commission.decision", obj=decision, region_code=meeting.region_id,
                     after=audit.snapshot(decision, DECISION_AUDIT))  # fmt: skip
    return decision


def _require_lead(actor, decision: Decision) -> None:
    if decision.lead_township_id and not actor.is_superuser and actor.region_id == decision.lead_township_id:
        return  # the township's own administrator
    require_owner(actor, decision.region_id, decision.lead_department_id)


def update_decision(*, actor, decision: Decision, status: str, note: str = "", evidence=None,
                    on: datetime.date | None = None) -> Decision:  # fmt: skip
    """The lead reports progress (a note), attaches evidence and sets the status; done records the completion day."""
    _require_lead(actor, decision)
    errors: dict = {}
    if status not in Decision.Status.values:
        errors["status"] = [_("状态无效：%(s)s。") % {"s": status}]
    note = clean_text(note, _("进展情况"), 2000, errors, "note", required=False)
    if status == Decision.Status.DONE and not note and evidence is None and not decision.evidence:
        errors["note"] = [_("办结事项请填写完成情况或上传佐证材料。")]
    raise_if(errors)
    before = audit.snapshot(decision, DECISION_AUDIT)
    today = on or timezone.localdate()
    with transaction.atomic():
        decision.status = status
        decision.completed_on = today if status == Decision.Status.DONE else None
        if evidence is not None:
            decision.evidence.save(evidence.name, evidence, save=False)
        decision.save()
        if note:
            DecisionNote.objects.create(decision=decision, text=note, author=actor)
        audit.record(actor=actor, action="commission.decision_update", obj=decision, region_code=decision.region_id,
                     before=before, after=audit.changed(before, audit.snapshot(decision, DECISION_AUDIT)))  # fmt: skip
    return decision


def lead_users(decision: Decision) -> list:
    if decision.lead_department_id:
        return list(User.objects.filter(is_active=True, department_id=decision.lead_department_id,
                                        region_id=decision.region_id))  # fmt: skip
    return list(User.objects.filter(is_active=True, region_id=decision.lead_township_id))


def check_deadlines(now: datetime.datetime) -> Counts:
    """Mark each unfinished decision whose deadline has passed, once: an audit entry and an alert to the lead."""
    today = timezone.localdate(now)
    open_rows = Decision.objects.exclude(status=Decision.Status.DONE)
    due = list(open_rows.filter(deadline__lt=today, overdue_at__isnull=True).select_related("meeting"))
    for decision in due:
        with transaction.atomic():
            if Decision.objects.filter(pk=decision.pk, overdue_at__isnull=True).update(overdue_at=now) != 1:
                continue
            audit.record(actor=None, action="commission.decision_overdue", obj=decision,
                         region_code=decision.region_id, after={"deadline": decision.deadline.isoformat()})  # fmt: skip
            notify(
                users=lead_users(decision),
                kind="commission.decision_overdue",
                group=decision.region_id,
                text=_("会议议定事项已逾期：%(t)s（期限 %(d)s）") % {"t": decision.text[:60], "d": decision.deadline},
            )
    return Counts(checked=open_rows.count(), overdue=len(due))
