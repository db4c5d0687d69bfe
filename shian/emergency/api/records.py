"""Incidents, public opinion, plans and drills over /api/v1/emergency (docs/emergency.md §5): scoped lists and
records with their clocks, the writes through the services, and the readiness of a region with its veto."""

import datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import REGULATORS, STATION
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText
from shian.core.jurisdiction import require_in_scope, scope_prefix

from .. import selectors
from ..models import Exercise, Grade, Incident, IncidentReport, Opinion
from ..services import incidents as incident_services
from ..services import opinions as opinion_services
from ..services import plans as plan_services

router = Router(tags=["应急管理"])
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


Count = Annotated[int, Field(ge=0, le=10_000_000)]


# -- incidents --------------------------------------------------------------------------------------------------


class IncidentIn(Schema):
    region_code: RegionCode | None = Field(None, description="不填则按涉事主体所在区划")
    entity_id: IdField | None = None
    title: _text(200, True)
    place: _text(300) = ""
    summary: _text(5000, True)
    suspected: bool = False
    occurred_at: AwareDatetime
    aware_at: AwareDatetime = Field(description="获知时间：首报期限自此起算")
    affected: Count = 0
    hospitalized: Count = 0
    deaths: Count = 0
    grade: Literal[tuple(Grade.values)] | None = Field(None, description="不填则按人数定级；不能低于人数对应的等级")


class ReportIn(Schema):
    kind: Literal[tuple(IncidentReport.Kind.values)]
    reported_at: AwareDatetime
    recipient: _text(100, True)
    content: _text(5000, True)
    affected: Count | None = None
    deaths: Count | None = None


class LinkIn(Schema):
    sample_ids: list[IdField] = Field([], max_length=100)
    complaint_ids: list[IdField] = Field([], max_length=100)
    case_ids: list[IdField] = Field([], max_length=100)


class CloseIn(Schema):
    closed_at: AwareDatetime
    closure: _text(5000, True)


class ReportOut(Schema):
    kind: str
    reported_at: datetime.datetime
    recipient: str
    content: str
    affected: int
    deaths: int
    late: bool


class IncidentOut(Schema):
    id: int
    number: str
    region_code: str = Field(..., alias="region_id")
    entity_id: int | None
    title: str
    grade: str
    suspected: bool
    occurred_at: datetime.datetime
    aware_at: datetime.datetime
    affected: int
    hospitalized: int
    deaths: int
    first_report_due: datetime.datetime
    first_reported_at: datetime.datetime | None
    first_report_late: bool
    status: str
    vetoing: bool


class IncidentDetail(IncidentOut):
    place: str
    summary: str
    grade_basis: str
    due_rules: dict
    closed_at: datetime.datetime | None
    closure: str
    reports: list[ReportOut]
    sample_ids: list[int]
    complaint_ids: list[int]
    case_ids: list[int]

    @staticmethod
    def resolve_reports(obj):
        return list(obj.reports.order_by("reported_at", "pk"))

    @staticmethod
    def resolve_sample_ids(obj):
        return sorted(obj.samples.values_list("pk", flat=True))

    @staticmethod
    def resolve_complaint_ids(obj):
        return sorted(obj.complaints.values_list("pk", flat=True))

    @staticmethod
    def resolve_case_ids(obj):
        return sorted(obj.cases.values_list("pk", flat=True))


class IncidentFilter(Schema):
    region: RegionCode | None = None
    status: Literal[tuple(Incident.Status.values)] | None = None
    grade: Literal[tuple(Grade.values)] | None = None
    report: Literal[selectors.OVERDUE_FILTERS] | None = None
    q: ShortText = ""


@router.get("/incidents", response=list[IncidentOut], summary="食品安全事故（管辖范围内）")
@access(REGULATORS)
@paginate(Pages)
def incident_list(request, filters: Query[IncidentFilter]):
    return selectors.incident_list(user=request.user, region_code=filters.region, status=filters.status or "",
                                   grade=filters.grade or "", report=filters.report or "", q=filters.q)  # fmt: skip


@router.get("/incidents/{pk}", response=IncidentDetail, summary="事故详情：首报期限及其规则、报告、关联记录")
@access(REGULATORS, objects="incident")
def incident_get(request, pk: Id):
    return selectors.incident_get(user=request.user, pk=pk)


@router.post("/incidents", response={201: IncidentDetail}, summary="登记事故（首报期限自获知时间起算）")
@access(STATION)
def incident_create(request, payload: IncidentIn):
    data = payload.dict()
    data["region_code"], data["grade"] = data["region_code"] or "", data["grade"] or ""
    incident = incident_services.create_incident(actor=request.user, **data)
    return Status(201, selectors.incident_get(user=request.user, pk=incident.pk))


@router.post("/incidents/{pk}/reports", response={201: IncidentDetail}, summary="首报、续报、终报（首报超时记为迟报）")
@access(STATION, objects="incident")
def incident_report(request, pk: Id, payload: ReportIn):
    incident = selectors.incident_get(user=request.user, pk=pk)
    incident_services.add_report(actor=request.user, incident=incident, **payload.dict())
    return Status(201, selectors.incident_get(user=request.user, pk=pk))


@router.post("/incidents/{pk}/links", response=IncidentDetail, summary="关联样品、投诉举报、案件")
@access(STATION, objects="incident")
def incident_link(request, pk: Id, payload: LinkIn):
    incident = selectors.incident_get(user=request.user, pk=pk)
    incident_services.link_records(actor=request.user, incident=incident, **payload.dict())
    return selectors.incident_get(user=request.user, pk=pk)


@router.post("/incidents/{pk}/close", response=IncidentDetail, summary="事故结案（须已首报）")
@access(STATION, objects="incident")
def incident_close(request, pk: Id, payload: CloseIn):
    incident = selectors.incident_get(user=request.user, pk=pk)
    incident_services.close_incident(actor=request.user, incident=incident, **payload.dict())
    return selectors.incident_get(user=request.user, pk=pk)


# -- public opinion ---------------------------------------------------------------------------------------------


class OpinionIn(Schema):
    region_code: RegionCode | None = Field(None, description="不填则按涉及主体所在区划")
    entity_id: IdField | None = None
    source_url: _text(500, True)
    source_name: _text(100) = ""
    title: _text(200, True)
    product: _text(60) = Field("", description="舆情指向的产品名称（如有）：同一产品舆情集中预警按此分组")
    summary: _text(5000, True)
    heat: Count = 0
    found_at: AwareDatetime = Field(description="发现时间：反馈期限自此起算")


class FeedbackIn(Schema):
    fed_back_at: AwareDatetime
    feedback: _text(5000, True)


class VerifyIn(Schema):
    verification: Literal["true", "partly", "false"]
    note: _text(5000, True)
    complaint_id: IdField | None = None
    case_id: IdField | None = None


class OpinionOut(Schema):
    id: int
    number: str
    region_code: str = Field(..., alias="region_id")
    entity_id: int | None
    source_url: str
    source_name: str
    title: str
    product: str
    summary: str
    heat: int
    found_at: datetime.datetime
    feedback_due: datetime.datetime
    due_rules: dict
    fed_back_at: datetime.datetime | None
    feedback: str
    feedback_late: bool
    verification: str
    verification_note: str
    complaint_id: int | None
    case_id: int | None
    status: str


class OpinionFilter(Schema):
    region: RegionCode | None = None
    status: Literal[tuple(Opinion.Status.values)] | None = None
    verification: Literal[tuple(Opinion.Verification.values)] | None = None
    feedback: Literal[selectors.OVERDUE_FILTERS] | None = None
    q: ShortText = ""


@router.get("/opinions", response=list[OpinionOut], summary="舆情（管辖范围内）")
@access(REGULATORS)
@paginate(Pages)
def opinion_list(request, filters: Query[OpinionFilter]):
    return selectors.opinion_list(user=request.user, region_code=filters.region, status=filters.status or "",
                                  verification=filters.verification or "", feedback=filters.feedback or "",
                                  q=filters.q)  # fmt: skip


@router.get("/opinions/{pk}", response=OpinionOut, summary="舆情详情")
@access(REGULATORS, objects="opinion")
def opinion_get(request, pk: Id):
    return selectors.opinion_get(user=request.user, pk=pk)


@router.post("/opinions", response={201: OpinionOut}, summary="登记舆情（反馈期限自发现时间起算）")
@access(STATION)
def opinion_create(request, payload: OpinionIn):
    data = payload.dict()
    data["region_code"] = data["region_code"] or ""
    opinion = opinion_services.create_opinion(actor=request.user, **data)
    return Status(201, selectors.opinion_get(user=request.user, pk=opinion.pk))


@router.post("/opinions/{pk}/feedback", response=OpinionOut, summary="舆情反馈（超时记为逾期反馈）")
@access(STATION, objects="opinion")
def opinion_feedback(request, pk: Id, payload: FeedbackIn):
    opinion = selectors.opinion_get(user=request.user, pk=pk)
    opinion_services.give_feedback(actor=request.user, opinion=opinion, **payload.dict())
    return selectors.opinion_get(user=request.user, pk=pk)


@router.post("/opinions/{pk}/verify", response=OpinionOut, summary="舆情核实，关联转办的投诉举报或案件")
@access(STATION, objects="opinion")
def opinion_verify(request, pk: Id, payload: VerifyIn):
    opinion = selectors.opinion_get(user=request.user, pk=pk)
    opinion_services.verify(actor=request.user, opinion=opinion, **payload.dict())
    return selectors.opinion_get(user=request.user, pk=pk)


# -- plans, trainings, drills, readiness ------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    title: str
    version: str
    department: str
    approved_on: datetime.date
    has_file: bool

    @staticmethod
    def resolve_has_file(obj):
        return bool(obj.file)


class PlanIn(Schema):
    region_code: RegionCode
    title: _text(200, True)
    version: _text(40, True)
    department: _text(100, True)
    approved_on: datetime.date


class ExerciseOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    plan_id: int | None
    kind: str
    title: str
    held_on: datetime.date
    organizer: str
    participants: int
    findings: str
    has_file: bool

    @staticmethod
    def resolve_has_file(obj):
        return bool(obj.file)


class ExerciseIn(Schema):
    region_code: RegionCode
    kind: Literal[tuple(Exercise.Kind.values)]
    title: _text(200, True)
    held_on: datetime.date
    organizer: _text(100) = ""
    participants: Count = 0
    findings: _text(5000) = ""
    plan_id: IdField | None = None


class VetoOut(Schema):
    id: int
    number: str
    title: str
    grade: str
    occurred_at: datetime.datetime


class ReadinessOut(Schema):
    region_code: str
    on: datetime.date
    trainings: int
    trainings_needed: int
    trainings_ok: bool
    drills: int
    drill_years: int
    drills_ok: bool
    live_drills: int
    live_drill_years: int
    live_ok: bool
    veto: bool
    vetoes: list[VetoOut]


@router.get("/plans", response=list[PlanOut], summary="应急预案（管辖范围内）")
@access(REGULATORS)
@paginate(Pages)
def plan_list(request, region: RegionCode | None = None):
    return selectors.plan_list(user=request.user, region_code=region).order_by("-approved_on", "-pk")


@router.post("/plans", response={201: PlanOut}, summary="登记应急预案（文件请在网页上传）")
@access(STATION)
def plan_create(request, payload: PlanIn):
    return Status(201, plan_services.create_plan(actor=request.user, **payload.dict()))


@router.get("/exercises", response=list[ExerciseOut], summary="预案培训、桌面推演、实战演练（管辖范围内）")
@access(REGULATORS)
@paginate(Pages)
def exercise_list(request, region: RegionCode | None = None,
                  kind: Literal[tuple(Exercise.Kind.values)] | None = None):  # fmt: skip
    return selectors.exercise_list(user=request.user, region_code=region, kind=kind or "").order_by("-held_on", "-pk")


@router.post("/exercises", response={201: ExerciseOut}, summary="登记培训或演练（附件请在网页上传）")
@access(STATION)
def exercise_create(request, payload: ExerciseIn):
    return Status(201, plan_services.create_exercise(actor=request.user, **payload.dict()))


@router.get("/readiness", response=ReadinessOut, summary="应急准备：培训、演练是否达标，重大及以上事故一票否决")
@access(REGULATORS)
def readiness(request, region: RegionCode | None = None, on: datetime.date | None = None):
    code = region if region is not None else (scope_prefix(request.user) or "")
    require_in_scope(request.user, code)
    on = on or timezone.localdate()
    return {"region_code": code, "on": on, **selectors.readiness(code, on)}
