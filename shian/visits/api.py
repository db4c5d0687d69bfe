"""包保督导 over /api/v1/visits, for the native app and the WeChat mini-program: a cadre's own entities, the
checklist to fill, photos, the signed visit (idempotent by client key, locked once stored: no PUT, PATCH or
DELETE), problems to 销号, and coverage. Every write goes through services, every read through selectors."""

import datetime
import mimetypes
import uuid
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import ADMINS, REGULATORS, SIGNED_IN
from shian.checklists.models import Severity
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText, Text
from shian.core.periods import parse_quarter, quarter_label
from shian.core.permissions import require_perm
from shian.core.uploads import stored_file_response
from shian.entities import selectors as entity_selectors
from shian.regions import selectors as region_selectors

from . import selectors, services
from .models import Answer, ChecklistKind, Visit

router = Router(tags=["包保督导"])

NoNul = r"^[^\x00]*$"
Note = Annotated[str, StringConstraints(max_length=500, pattern=NoNul)]
LongText = Annotated[str, StringConstraints(max_length=2000, pattern=NoNul)]
Title = Annotated[str, StringConstraints(max_length=100, pattern=NoNul)]
AttachmentIds = Annotated[list[IdField], Field(max_length=20)]
Category = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=NoNul)]
RECENT_VISITS = 5
CONTEXT_PROBLEMS = 200


def _quarter(text: str | None, field: str = "quarter") -> int | None:
    """'2026Q4', '2026-4' or '20264' as 20264; a 422 naming the field otherwise."""
    if not text:
        return None
    try:
        quarter = parse_quarter(text)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    return quarter


def _quarter_text(quarter: int) -> str:
    year, q = divmod(quarter, 10)
    return f"{year}Q{q}"


# -- checklists -----------------------------------------------------------------------------------------------


class ChecklistItemOut(Schema):
    id: int
    position: int
    category: str
    text: str
    severity: str
    guidance: str


class ChecklistOut(Schema):
    id: int
    kind: str
    kind_label: str
    region_code: str | None = Field(None, alias="region_id")
    version: int
    title: str
    note: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class ChecklistDetail(ChecklistOut):
    items: list[ChecklistItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class ChecklistItemIn(Schema):
    category: Category
    text: Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=NoNul)]
    severity: Literal[tuple(Severity.values)] = Severity.GENERAL.value
    guidance: Note = ""


class ChecklistIn(Schema):
    kind: Literal[tuple(ChecklistKind.values)]
    region_code: RegionCode | None = Field(None, description="空为省级默认（仅系统管理员）")
    title: Title
    note: Text = ""
    items: list[ChecklistItemIn] = Field(max_length=200)


@router.get("/checklists", response=list[ChecklistOut], summary="督导检查表（各版本）")
@access(REGULATORS)
@paginate(Pages)
def checklist_list(request):
    return selectors.checklist_list(user=request.user)


@router.get("/checklists/{pk}", response=ChecklistDetail, summary="检查表版本及其检查项")
@access(REGULATORS, objects="checklist")
def checklist_get(request, pk: Id):
    return selectors.checklist_get(user=request.user, pk=pk)


@router.post("/checklists", response={201: ChecklistDetail}, summary="修改检查表：为区划新增一个版本")
@access(ADMINS)
def checklist_create(request, payload: ChecklistIn):
    data = payload.dict()
    checklist = services.create_checklist_version(
        actor=request.user,
        kind=data["kind"],
        region_code=data["region_code"],
        title=data["title"],
        note=data["note"],
        items=data["items"],
    )
    return Status(201, selectors.checklist_get(user=request.user, pk=checklist.pk))


# -- a cadre's own entities -----------------------------------------------------------------------------------


class MineOut(Schema):
    entity_id: int
    entity_name: str = Field(..., alias="entity.name")
    address: str = Field(..., alias="entity.address")
    region_code: str = Field(..., alias="entity.region_id")
    region_name: str = Field(..., alias="entity.region.name")
    grade: str = Field(..., alias="entity_grade")
    latitude: float | None = Field(None, alias="entity.latitude")
    longitude: float | None = Field(None, alias="entity.longitude")
    since: datetime.date
    state: Literal["done", "due", "overdue"] = Field(
        description="本季度：done 已督导，due 待督导，overdue 上季度也未督导"
    )
    open_problems: bool


class MineFilter(Schema):
    quarter: ShortText | None = Field(None, description="如 2026Q4；默认本季度")
    q: Text = ""


@router.get("/mine", response=list[MineOut], summary="我包保的主体及本季度督导状态")
@access(REGULATORS)
@paginate(Pages)
def mine(request, filters: Query[MineFilter]):
    return selectors.my_entities(user=request.user, quarter=_quarter(filters.quarter), q=filters.q.strip())


# -- attachments ----------------------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


@router.post("/attachments", response={201: AttachmentOut}, summary="上传照片（或 PDF），提交督导或整改时引用其编号")
@access(SIGNED_IN)
def attachment_upload(request, file: File[UploadedFile], allow_pdf: bool = False):
    return Status(201, services.store_attachment(actor=request.user, upload=file, allow_pdf=allow_pdf))


@router.get("/attachments/{pk}", summary="下载照片或附件（original=true：原始文件，仅监管人员）")
@access(SIGNED_IN, objects="attachment")
def attachment_download(request, pk: Id, original: bool = False):
    attachment = selectors.attachment_get(user=request.user, pk=pk, original=original)
    stored = attachment.original if original else attachment.file
    content_type = attachment.content_type
    if original:
        content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    return stored_file_response(stored, name=attachment.name, content_type=content_type, inline=not original)


# -- visits ---------------------------------------------------------------------------------------------------


class AnswerIn(Schema):
    item: IdField
    result: Literal[tuple(Answer.Result.values)]
    note: Note = ""
    attachments: AttachmentIds = []


class VisitIn(Schema):
    entity_id: IdField
    client_key: uuid.UUID = Field(description="手机端生成的提交编号；重复提交返回同一条记录")
    checklist_id: IdField
    answers: list[AnswerIn] = Field(max_length=300)
    signer_name: ShortText
    started_at: AwareDatetime = Field(description="开始督导的时间，须带时区")
    mode: Literal[tuple(Visit.Mode.values)] = Visit.Mode.ON_SITE.value
    inspectors: Text = ""
    summary: LongText = ""
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)


class VisitOut(Schema):
    id: int
    client_key: uuid.UUID
    entity_id: int
    entity_name: str = Field(..., alias="entity.name")
    cadre_id: int
    cadre_name: str = Field(..., alias="cadre.name")
    region_code: str = Field(..., alias="region_id")
    checklist_id: int
    checklist_version: int = Field(..., alias="checklist.version")
    mode: str
    mode_label: str
    inspectors: str
    summary: str
    started_at: datetime.datetime
    signed_at: datetime.datetime
    received_at: datetime.datetime
    visited_on: datetime.date
    quarter: str
    signer_name: str
    problem_count: int
    needs_review: bool
    review_reasons: list[str]
    distance_m: int | None

    @staticmethod
    def resolve_mode_label(obj):
        return obj.get_mode_display()

    @staticmethod
    def resolve_quarter(obj):
        return _quarter_text(obj.quarter)


class AnswerOut(Schema):
    item_id: int
    position: int = Field(..., alias="item.position")
    category: str = Field(..., alias="item.category")
    text: str = Field(..., alias="item.text")
    severity: str = Field(..., alias="item.severity")
    result: str
    note: str
    attachment_ids: list[int]

    @staticmethod
    def resolve_attachment_ids(obj):
        return [a.pk for a in obj.attachments.all()]


class AddendumOut(Schema):
    id: int
    text: str
    created_by_id: int
    created_at: datetime.datetime


class ProblemRef(Schema):
    id: int
    item_id: int
    status: str


class VisitDetail(VisitOut):
    latitude: float | None
    longitude: float | None
    answers: list[AnswerOut]
    addenda: list[AddendumOut]
    problems: list[ProblemRef]

    @staticmethod
    def resolve_answers(obj):
        return list(selectors.visit_answers(obj))

    @staticmethod
    def resolve_addenda(obj):
        return list(obj.addenda.all())

    @staticmethod
    def resolve_problems(obj):
        return list(obj.problems.order_by("pk"))


class VisitFilter(Schema):
    region: RegionCode | None = None
    entity_id: IdField | None = None
    cadre_id: IdField | None = None
    quarter: ShortText | None = Field(None, description="如 2026Q4")
    needs_review: bool | None = None


class AddendumIn(Schema):
    text: LongText


@router.post(
    "/visits",
    response={200: VisitDetail, 201: VisitDetail},
    summary="提交已签字的督导记录（201 新建；同一提交编号重复提交返回 200 和原记录）",
)
@access(REGULATORS)
def visit_sign(request, payload: VisitIn):
    data = payload.dict()
    entity = entity_selectors.entity_get(user=request.user, pk=data.pop("entity_id"))
    visit, created = services.sign_visit(actor=request.user, entity=entity, **data)
    return Status(201 if created else 200, selectors.visit_get(user=request.user, pk=visit.pk))


@router.get("/visits", response=list[VisitOut], summary="督导记录")
@access(SIGNED_IN)
@paginate(Pages)
def visit_list(request, filters: Query[VisitFilter]):
    return selectors.visit_list(
        user=request.user,
        region_code=filters.region,
        entity_id=filters.entity_id,
        cadre_id=filters.cadre_id,
        quarter=_quarter(filters.quarter),
        needs_review=filters.needs_review,
    )


@router.get("/visits/{pk}", response=VisitDetail, summary="督导记录详情（签字后锁定，只能补充说明）")
@access(SIGNED_IN, objects="visit")
def visit_get(request, pk: Id):
    return selectors.visit_get(user=request.user, pk=pk)


@router.post("/visits/{pk}/addenda", response={201: AddendumOut}, summary="对已签字记录补充说明")
@access(REGULATORS, objects="visit")
def visit_addendum(request, pk: Id, payload: AddendumIn):
    visit = selectors.visit_get(user=request.user, pk=pk)
    return Status(201, services.add_addendum(actor=request.user, visit=visit, text=payload.text))


# -- problems -------------------------------------------------------------------------------------------------


class ProblemOut(Schema):
    id: int
    visit_id: int
    item_id: int
    category: str = Field(..., alias="item.category")
    entity_id: int
    entity_name: str = Field(..., alias="entity.name")
    cadre_id: int
    cadre_name: str = Field(..., alias="cadre.name")
    region_code: str = Field(..., alias="region_id")
    description: str
    severity: str
    status: str
    status_label: str
    overdue: bool
    found_on: datetime.date
    due_at: datetime.datetime
    escalation: int
    escalated_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj):
        return obj.overdue()


class ProblemEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    note: str
    actor_id: int | None
    at: datetime.datetime
    attachment_ids: list[int]

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_attachment_ids(obj):
        return [a.pk for a in obj.attachments.all()]


class ProblemDetail(ProblemOut):
    events: list[ProblemEventOut]

    @staticmethod
    def resolve_events(obj):
        return list(selectors.problem_events(obj))


class ProblemFilter(Schema):
    region: RegionCode | None = None
    status: Literal[selectors.PROBLEM_STATES] | None = None
    entity_id: IdField | None = None
    mine: bool = Field(False, description="只看我督促的问题")
    escalated: bool = False


class EvidenceIn(Schema):
    note: Note = ""
    attachment_ids: AttachmentIds = []


class CloseIn(Schema):
    note: Note = ""


class ReturnIn(Schema):
    reason: Note = ""


@router.get("/problems", response=list[ProblemOut], summary="问题清单")
@access(SIGNED_IN)
@paginate(Pages)
def problem_list(request, filters: Query[ProblemFilter]):
    return selectors.problem_list(
        user=request.user,
        region_code=filters.region,
        status=filters.status or "",
        entity_id=filters.entity_id,
        mine=filters.mine,
        escalated=filters.escalated,
    )


@router.get("/problems/{pk}", response=ProblemDetail, summary="问题详情及整改过程")
@access(SIGNED_IN, objects="problem")
def problem_get(request, pk: Id):
    return selectors.problem_get(user=request.user, pk=pk)


@router.post("/problems/{pk}/evidence", response=ProblemDetail, summary="提交整改材料（主体）")
@access(SIGNED_IN, objects="problem")
def problem_evidence(request, pk: Id, payload: EvidenceIn):
    problem = selectors.problem_get(user=request.user, pk=pk)
    services.submit_evidence(
        actor=request.user, problem=problem, note=payload.note, attachment_ids=list(payload.attachment_ids)
    )
    return selectors.problem_get(user=request.user, pk=pk)


@router.post("/problems/{pk}/close", response=ProblemDetail, summary="核验销号")
@access(REGULATORS, objects="problem")
def problem_close(request, pk: Id, payload: CloseIn):
    problem = selectors.problem_get(user=request.user, pk=pk)
    services.close_problem(actor=request.user, problem=problem, note=payload.note)
    return selectors.problem_get(user=request.user, pk=pk)


@router.post("/problems/{pk}/return", response=ProblemDetail, summary="退回重新整改（须说明理由）")
@access(REGULATORS, objects="problem")
def problem_return(request, pk: Id, payload: ReturnIn):
    problem = selectors.problem_get(user=request.user, pk=pk)
    services.return_problem(actor=request.user, problem=problem, reason=payload.reason)
    return selectors.problem_get(user=request.user, pk=pk)


# -- the entity a visit is about to start on ------------------------------------------------------------------


class EntityContext(Schema):
    entity: MineOut
    checklist: ChecklistDetail
    visits: list[VisitOut] = Field(description=f"最近 {RECENT_VISITS} 次督导")
    problems: list[ProblemOut] = Field(description="未销号的问题")


@router.get("/entities/{entity_id}/context", response=EntityContext, summary="开始督导：检查表、最近督导和未销号问题")
@access(REGULATORS, objects="entity_id")
def entity_context(request, entity_id: Id):
    guarantee = selectors.my_guarantee(user=request.user, entity_id=entity_id)
    checklist = services.current_checklist(guarantee.entity)
    visits = selectors.visit_list(user=request.user, entity_id=entity_id)[:RECENT_VISITS]
    problems = selectors.problem_list(user=request.user, entity_id=entity_id, status="unclosed")
    return {
        "entity": guarantee,
        "checklist": checklist,
        "visits": list(visits),
        "problems": list(problems[:CONTEXT_PROBLEMS]),
    }


# -- coverage -------------------------------------------------------------------------------------------------


class Bucket(Schema):
    due: int
    visited: int
    missed: int
    overdue: int
    rate: float | None = Field(description="覆盖率（%）；无应督导主体时为空")


class AreaBucket(Bucket):
    code: str
    name: str


class GradeBucket(Bucket):
    grade: str


class CoverageOut(Schema):
    quarter: str
    quarter_label: str
    region_code: str | None
    ended: bool
    total: Bucket
    areas: list[AreaBucket]
    grades: list[GradeBucket]
    visits: int
    needs_review: int
    cadres_without_visits: int


class CoverageFilter(Schema):
    quarter: ShortText | None = Field(None, description="如 2026Q4；默认本季度")
    region: RegionCode | None = None


@router.get("/coverage", response=CoverageOut, summary="督导覆盖率（按下级区划和包保等级）")
@access(REGULATORS)
def coverage(request, filters: Query[CoverageFilter]):
    require_perm(request.user, "visits.view_coverage")
    quarter = _quarter(filters.quarter) or selectors.current_quarter()
    region_code = filters.region or request.user.region_id
    if region_code:
        region_selectors.region_get(user=request.user, code=region_code)  # 404 outside the jurisdiction
    data = selectors.coverage_report(user=request.user, region_code=region_code, quarter=quarter)
    return {
        **data,
        "quarter": _quarter_text(quarter),
        "quarter_label": quarter_label(quarter),
        "region_code": region_code,
        "grades": [{**bucket, "grade": grade} for grade, bucket in data["grades"]],
        "cadres_without_visits": data["idle"].count(),
    }
