"""Every write on an incident (docs/emergency.md §1): the record graded I-IV by the thresholds in the rule store,
the first report timed against the 2-hour clock from awareness (late ones flagged), follow-up and final reports,
links to samples, complaints and cases, closure, and the checker that flags and escalates missed first reports
(§4)."""

import datetime

from django.core.exceptions import ValidationError
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
from shian.core.services import notify
from shian.core.workdays import compute_due
from shian.sampling.models import Sample

from ..models import GRADE_ORDER, VETO_GRADES, Grade, Incident, IncidentReport
from ..ruledefs import (
    FIRST_REPORT,
    GRADE2_AFFECTED,
    GRADE2_DEATHS,
    GRADE3_AFFECTED,
    GRADE3_DEATHS,
    GRADE4_AFFECTED,
    INCIDENT_ESCALATE,
)  # fmt: skip
from . import common

AUDITED = ["number", "region_id", "entity_id", "title", "grade", "grade_basis", "suspected", "occurred_at",
           "aware_at", "affected", "hospitalized", "deaths", "first_report_due", "first_reported_at",
           "first_report_late", "status", "closed_at"]  # fmt: skip
REPORT_ACTIONS = {IncidentReport.Kind.FIRST: "incident.report_first", IncidentReport.Kind.FOLLOW_UP:
                  "incident.report_follow_up", IncidentReport.Kind.FINAL: "incident.report_final"}  # fmt: skip


# -- grades -----------------------------------------------------------------------------------------------------


def grade_for(*, affected: int, deaths: int, region_code: str, on: datetime.date | None = None) -> tuple[str, str]:
    """The grade the counts reach under the thresholds in force in `region_code` (rules `emergency.grade*`), and
    the basis in words. Grade I is never reached by counts: it is declared (认定) by the State Council."""
    on = on or timezone.localdate()

    def v(rule):
        return rules.value(rule.code, region_code, on)

    if deaths >= v(GRADE2_DEATHS):
        return Grade.II, _("死亡 %(d)d 人，达到重大事故标准（%(n)d 人）") % {"d": deaths, "n": v(GRADE2_DEATHS)}
    if deaths and affected >= v(GRADE2_AFFECTED):
        return Grade.II, _("受害 %(a)d 人且有死亡，达到重大事故标准（%(n)d 人以上并有死亡）") % {
            "a": affected, "n": v(GRADE2_AFFECTED)}  # fmt: skip
    if deaths >= v(GRADE3_DEATHS):
        return Grade.III, _("死亡 %(d)d 人，达到较大事故标准（%(n)d 人）") % {"d": deaths, "n": v(GRADE3_DEATHS)}
    if affected >= v(GRADE3_AFFECTED):
        return Grade.III, _("受害 %(a)d 人，达到较大事故标准（%(n)d 人）") % {"a": affected, "n": v(GRADE3_AFFECTED)}
    if affected >= v(GRADE4_AFFECTED):
        return Grade.IV, _("受害 %(a)d 人，达到一般事故标准（%(n)d 人）") % {"a": affected, "n": v(GRADE4_AFFECTED)}
    return Grade.IV, _("受害 %(a)d 人，未达较大事故标准，按一般事故处置") % {"a": affected}


def graver(a: str, b: str) -> str:
    return a if GRADE_ORDER.index(a) <= GRADE_ORDER.index(b) else b


def _check_grade(chosen: str, minimum: str, errors: dict) -> str:
    if not chosen:
        return minimum
    if chosen not in Grade.values:
        errors["grade"] = [_("事故等级无效。")]
        return minimum
    if GRADE_ORDER.index(chosen) > GRADE_ORDER.index(minimum):
        errors["grade"] = [_("按受害、死亡人数，事故等级至少应为%(g)s，不能定为%(c)s。") % {
            "g": Grade(minimum).label, "c": Grade(chosen).label}]  # fmt: skip
    return chosen


# -- the incident -----------------------------------------------------------------------------------------------


def create_incident(*, actor, region_code: str = "", entity_id=None, title: str = "", place: str = "",
                    summary: str = "", suspected: bool = False, occurred_at=None, aware_at=None, affected=0,
                    hospitalized=0, deaths=0, grade: str = "") -> Incident:  # fmt: skip
    """Record an incident known at `aware_at`: its first report is due `incident.report` hours later
    (`first_report_due`, the rule kept in `due_rules`); its grade is at least the one its counts reach."""
    common.require_writer(actor)
    errors: dict = {}
    region, entity = common.place(actor, region_code, entity_id, errors)
    values = {"title": title, "place": place, "summary": summary}
    title = common.text(values, Incident, "title", errors, required=True)
    place = common.text(values, Incident, "place", errors)
    summary = common.text(values, Incident, "summary", errors, required=True)
    occurred_at = common.moment(occurred_at, "occurred_at", _("发生时间"), errors)
    aware_at = common.moment(aware_at, "aware_at", _("获知时间"), errors)
    if occurred_at and aware_at and "aware_at" not in errors and aware_at < occurred_at:
        errors["aware_at"] = [_("获知时间不能早于发生时间（%(t)s）。") % {"t": common.local(occurred_at)}]
    affected = common.count(affected, "affected", _("受害人数"), errors)
    hospitalized = common.count(hospitalized, "hospitalized", _("住院人数"), errors)
    deaths = common.count(deaths, "deaths", _("死亡人数"), errors)
    if hospitalized > affected and "affected" not in errors:
        errors["hospitalized"] = [_("住院人数不能多于受害人数。")]
    minimum, basis = grade_for(affected=affected, deaths=deaths, region_code=region.code if region else "")
    chosen = _check_grade(grade, minimum, errors)
    if errors:
        raise ValidationError(errors)
    if chosen != minimum:
        basis = _("认定为%(g)s（按人数为%(m)s）") % {"g": Grade(chosen).label, "m": Grade(minimum).label}
    due = compute_due(rule_code=FIRST_REPORT, start=aware_at, region_code=region.code)
    with transaction.atomic():
        incident = common.create_numbered(
            Incident, "SG", region.code, aware_at, region=region, entity=entity, title=title, place=place,
            summary=summary, suspected=bool(suspected), grade=chosen, grade_basis=basis[:300],
            occurred_at=occurred_at, aware_at=aware_at, affected=affected, hospitalized=hospitalized, deaths=deaths,
            first_report_due=due.due_at, due_rules={"first_report": due.rule}, created_by=actor,
        )  # fmt: skip
        audit.record(actor=actor, action="incident.create", obj=incident, region_code=incident.region_id,
                     after=audit.snapshot(incident, AUDITED))  # fmt: skip
        if incident.grade in VETO_GRADES:
            _tell_major(incident)
    return incident


def _tell_major(incident: Incident) -> None:
    """A grade I or II incident goes at once to the county's and the city's administrators: it is the veto of the
    demonstration evaluation (docs/emergency.md §1)."""
    county, city = common.county_and_city(incident.region_id)
    text = _("%(g)s事故 %(n)s（%(t)s）：请立即组织处置并逐级报告；两年内的重大及以上事故为示范创建否决项。") % {
        "g": incident.get_grade_display(), "n": incident.number, "t": incident.title}  # fmt: skip
    notify(users=county + city, text=text, url=reverse("emergency:incident_detail", args=[incident.pk]),
           kind="incident.major", group=incident.region_id, group_text=_("%(n)d 起重大及以上事故"),
           group_url=reverse("emergency:incidents") + "?grade=" + incident.grade)  # fmt: skip


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)


@transaction.atomic
def add_report(*, actor, incident: Incident, kind: str, reported_at=None, recipient: str = "", content: str = "",
               affected=None, deaths=None) -> IncidentReport:  # fmt: skip
    """A report to the authority above. The first report is timed against `first_report_due` and flagged late
    when after it; follow-up and final reports come after it; the counts reported update the incident and may
    raise (never lower) its grade."""
    common.require_writer(actor)
    require_in_scope(actor, incident.region_id)
    incident = _locked(incident)
    errors: dict = {}
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError({"kind": [_("事故已结案，不能再报告。")]})
    if kind not in IncidentReport.Kind.values:
        errors["kind"] = [_("请选择报告类型（首报、续报或终报）。")]
    elif kind == IncidentReport.Kind.FIRST and incident.first_reported_at:
        errors["kind"] = [
            _("首报已于 %(t)s 报送，请选择续报或终报。") % {"t": common.local(incident.first_reported_at)}
        ]
    elif kind != IncidentReport.Kind.FIRST and not incident.first_reported_at:
        errors["kind"] = [_("尚未首报：请先报送首报。")]
    elif kind != IncidentReport.Kind.FIRST and incident.reports.filter(kind=IncidentReport.Kind.FINAL).exists():
        errors["kind"] = [_("已报送终报，不能再报告。")]
    values = {"recipient": recipient, "content": content}
    recipient = common.text(values, IncidentReport, "recipient", errors, required=True)
    content = common.text(values, IncidentReport, "content", errors, required=True)
    reported_at = common.moment(reported_at, "reported_at", _("报告时间"), errors)
    if reported_at and "reported_at" not in errors and reported_at < incident.aware_at:
        errors["reported_at"] = [_("报告时间不能早于获知时间（%(t)s）。") % {"t": common.local(incident.aware_at)}]
    last = incident.reports.order_by("-reported_at").first()
    if reported_at and last and "reported_at" not in errors and reported_at < last.reported_at:
        errors["reported_at"] = [_("报告时间不能早于上一次报告（%(t)s）。") % {"t": common.local(last.reported_at)}]
    affected = (
        incident.affected if affected in (None, "") else common.count(affected, "affected", _("受害人数"), errors)
    )
    deaths = incident.deaths if deaths in (None, "") else common.count(deaths, "deaths", _("死亡人数"), errors)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(incident, AUDITED)
    late = kind == IncidentReport.Kind.FIRST and reported_at > incident.first_report_due
    report = IncidentReport.objects.create(incident=incident, kind=kind, reported_at=reported_at, recipient=recipient,
                                           content=content, affected=affected, deaths=deaths, late=late,
                                           created_by=actor)  # fmt: skip
    if kind == IncidentReport.Kind.FIRST:
        incident.first_reported_at, incident.first_report_late = reported_at, late
    incident.affected, incident.deaths = affected, deaths
    reached, basis = grade_for(affected=affected, deaths=deaths, region_code=incident.region_id)
    raised = graver(reached, incident.grade) != incident.grade
    if raised:
        incident.grade, incident.grade_basis = reached, basis[:300]
    incident.save()
    if raised and incident.grade in VETO_GRADES:
        _tell_major(incident)
    changed = audit.changed(before, audit.snapshot(incident, AUDITED))
    audit.record(actor=actor, action=REPORT_ACTIONS[kind], obj=incident, region_code=incident.region_id,
                 before={k: before[k] for k in changed}, after=changed | {"report": report.pk, "late": late})  # fmt: skip
    return report


@transaction.atomic
def link_records(*, actor, incident: Incident, sample_ids=(), complaint_ids=(), case_ids=()) -> Incident:
    """Link samples, complaints and cases to the incident (added to those already linked); each must lie in the
    actor's jurisdiction."""
    common.require_writer(actor)
    require_in_scope(actor, incident.region_id)
    errors: dict = {}
    found = {}
    for field, model, ids, label in (("samples", Sample, sample_ids, _("样品")),
                                     ("complaints", Complaint, complaint_ids, _("投诉举报")),
                                     ("cases", Case, case_ids, _("案件"))):  # fmt: skip
        try:
            wanted = {int(pk) for pk in ids or ()}
        except (TypeError, ValueError):
            errors[field] = [_("%(l)s编号无效。") % {"l": label}]
            continue
        rows = list(scope_queryset(model.objects.filter(pk__in=wanted), actor))
        missing = wanted - {r.pk for r in rows}
        if missing:
            errors[field] = [_("%(l)s %(ids)s 不存在或不在您的管辖范围内。") % {
                "l": label, "ids": "、".join(str(pk) for pk in sorted(missing))}]  # fmt: skip
        found[field] = rows
    if errors:
        raise ValidationError(errors)
    for field, rows in found.items():
        getattr(incident, field).add(*rows)
    audit.record(actor=actor, action="incident.link", obj=incident, region_code=incident.region_id,
                 after={field: [r.pk for r in rows] for field, rows in found.items() if rows})  # fmt: skip
    return incident


@transaction.atomic
def close_incident(*, actor, incident: Incident, closed_at=None, closure: str = "") -> Incident:
    """Close an incident once its first report is made: when and how it ended."""
    common.require_writer(actor)
    require_in_scope(actor, incident.region_id)
    incident = _locked(incident)
    errors: dict = {}
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError({"closure": [_("事故已结案。")]})
    if not incident.first_reported_at:
        errors["closure"] = [_("尚未首报，不能结案。")]
    closure = common.text({"closure": closure}, Incident, "closure", errors, required=True)
    closed_at = common.moment(closed_at, "closed_at", _("结案时间"), errors)
    if closed_at and "closed_at" not in errors and closed_at < incident.aware_at:
        errors["closed_at"] = [_("结案时间不能早于获知时间（%(t)s）。") % {"t": common.local(incident.aware_at)}]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(incident, ["status", "closed_at", "closure"])
    incident.status, incident.closed_at, incident.closure = Incident.Status.CLOSED, closed_at, closure
    incident.save(update_fields=["status", "closed_at", "closure"])
    audit.record(actor=actor, action="incident.close", obj=incident, region_code=incident.region_id, before=before,
                 after=audit.snapshot(incident, ["status", "closed_at", "closure"]))  # fmt: skip
    return incident


# -- the clock (§4) ---------------------------------------------------------------------------------------------


def check(now: datetime.datetime) -> Counts:
    """The first-report clock at `now`: incidents with no first report past `first_report_due` are marked overdue
    and the county desk and the clerk told (once each); those still unreported `emergency.incident_escalate_hours`
    later are escalated to the city (once each). Running twice at one instant changes nothing the second time."""
    pending = Incident.objects.filter(first_reported_at__isnull=True, status=Incident.Status.OPEN)
    admins, hours = common.Admins(), {}

    def escalate_after(incident: Incident) -> datetime.timedelta:
        if incident.region_id not in hours:
            hours[incident.region_id] = rules.value(INCIDENT_ESCALATE.code, incident.region_id, timezone.localdate(now))
        return datetime.timedelta(hours=hours[incident.region_id])

    overdue = mark_each(
        pending.filter(first_report_due__lt=now), field="overdue_at", now=now,
        tell=lambda i, told: _tell(i, [*admins(i.region_id, COUNTY), i.created_by], "incident.first_report_overdue",
                                   _("事故 %(n)s（%(t)s）首报期限 %(d)s 已过，尚未报告。"), told),
    )  # fmt: skip
    escalated = mark_each(
        pending.filter(overdue_at__isnull=False), field="escalated_at", now=now,
        ready=lambda i: now >= i.first_report_due + escalate_after(i),
        tell=lambda i, told: _tell(i, admins(i.region_id, CITY), "incident.escalated",
                                   _("事故 %(n)s（%(t)s）首报期限 %(d)s 已过仍未报告，已上报市级。"), told),
    )  # fmt: skip
    return Counts(checked=pending.count(), overdue=overdue, escalated=escalated)


def _tell(incident: Incident, users, action: str, text: str, told: Told) -> None:
    values = {"n": incident.number, "t": incident.title, "d": common.local(incident.first_report_due)}
    told.notify(users=users, text=text % values,
                url=reverse("emergency:incident_detail", args=[incident.pk]), kind=action, group=incident.region_id,
                group_text=_("%(n)d 起事故首报逾期"), group_url=reverse("emergency:incidents") + "?report=overdue")  # fmt: skip
    told.audit(
        action=action,
        obj=incident,
        region_code=incident.region_id,
        after={"due": incident.first_report_due.isoformat()},
    )
