"""Tasks, inspections and rectification over /api/v1/inspections (docs/inspections.md §5, §8), for the phone
app: the inspector's tasks, a task with its checklist and the entity's history, photos, the signed inspection
(idempotent by client key, locked once stored: no PUT, PATCH or DELETE), orders, answers and re-checks."""

import datetime
import uuid
from typing import Annotated, Literal

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import ENTERPRISE, REGULATORS, SIGNED_IN
from shian.checklists.models import Result
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText

from ..checklists import checklist_for
from ..selectors import inspecting as inspecting_selectors
from ..selectors import rectification as order_selectors
from ..selectors import tasks as task_selectors
from ..services import inspecting as inspecting_services
from ..services import rectification as order_services

router = Router()

NoNul = r"^[^\x00]*$"
Note = Annotated[str, StringConstraints(max_length=500, pattern=NoNul)]
LongText = Annotated[str, StringConstraints(max_length=2000, pattern=NoNul)]
PhotoIds = Annotated[list[IdField], Field(max_length=20)]
PngDataUrl = Annotated[str, StringConstraints(max_length=300_000, pattern=NoNul)]


# -- tasks ----------------------------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    entity_id: int
    entity_name: str = Field(..., alias="entity.name")
    region_code: str = Field(..., alias="region_id")
    station_id: int | None
    kind: str
    kind_label: str
    status: str
    due_on: datetime.date
    note: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class TaskFilter(Schema):
    region: RegionCode | None = None
    mine: bool | None = Field(None, description="只看本人任务（执法人员、网格员默认）")


class InspectorOut(Schema):
    id: int
    name: str


class ItemOut(Schema):
    id: int
    position: int
    category: str
    text: str
    severity: str
    guidance: str


class ChecklistOut(Schema):
    id: int
    kind: str
    version: int
    title: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class PreviousOut(Schema):
    id: int
    inspected_on: datetime.date
    outcome: str
    failed_items: list[str]

    @staticmethod
    def resolve_failed_items(obj):
        return [a.item.text for a in getattr(obj, "failed", [])]


class OrderRef(Schema):
    id: int
    number: str
    status: str
    due_at: datetime.datetime


class ProblemRef(Schema):
    id: int
    description: str
    status: str
    due_at: datetime.datetime


class HistoryOut(Schema):
    previous: list[PreviousOut]
    orders: list[OrderRef]
    problems: list[ProblemRef]
    samples: list[dict] = Field([], description="抽检不合格（抽检模块接入前为空）")
    samples_note: str = "抽检数据待接入"


class TaskDetail(TaskOut):
    inspectors: list[InspectorOut]
    checklist: ChecklistOut
    history: HistoryOut

    @staticmethod
    def resolve_inspectors(obj):
        return [{"id": u.pk, "name": u.name or u.username} for u in task_selectors.task_inspectors(obj)]


@router.get("/tasks", response=list[TaskOut], summary="检查任务（本人待检查的任务，逾期和今天的在前）")
@access(REGULATORS)
@paginate(Pages)
def task_list(request, filters: Query[TaskFilter]):
    return task_selectors.task_list(user=request.user, region_code=filters.region, mine=filters.mine)


@router.get("/tasks/{pk}", response=TaskDetail, summary="检查任务详情：检查人员、适用的检查表、主体历史")
@access(REGULATORS, objects="insp_task")
def task_get(request, pk: Id):
    task = task_selectors.task_get(user=request.user, pk=pk)
    task.checklist = checklist_for(task.entity)
    task.history = inspecting_selectors.entity_history(user=request.user, entity=task.entity)
    return task


# -- photos ---------------------------------------------------------------------------------------------------


class PhotoOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


@router.post("/photos", response={201: PhotoOut}, summary="上传照片，提交检查记录或整改反馈时引用其编号")
@access(SIGNED_IN)
def photo_upload(request, file: File[UploadedFile]):
    return Status(201, order_services.store_photo(actor=request.user, upload=file))


# -- inspections ----------------------------------------------------------------------------------------------


class AnswerIn(Schema):
    item: IdField
    result: Literal[tuple(Result.values)]
    note: Note = ""
    attachments: PhotoIds = []


class SignatureIn(Schema):
    inspector: IdField
    image: PngDataUrl = Field(description="手写签名 PNG（data:image/png;base64,…）")


class InspectionIn(Schema):
    task_id: IdField
    client_key: uuid.UUID = Field(description="手机端生成的提交编号；重复提交返回同一条记录")
    checklist_id: IdField
    answers: list[AnswerIn] = Field(max_length=300)
    signatures: list[SignatureIn] = Field(max_length=10)
    entity_signer: ShortText
    started_at: AwareDatetime
    summary: LongText = ""
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)


class SignatureOut(Schema):
    inspector_id: int
    name: str
    signed_at: datetime.datetime


class InspectionAnswerOut(Schema):
    item_id: int
    position: int = Field(..., alias="item.position")
    text: str = Field(..., alias="item.text")
    severity: str = Field(..., alias="item.severity")
    result: str
    note: str


class InspectionOut(Schema):
    id: int
    client_key: uuid.UUID
    task_id: int | None
    entity_id: int
    entity_name: str = Field(..., alias="entity.name")
    region_code: str = Field(..., alias="region_id")
    checklist_id: int
    checklist_version: int = Field(..., alias="checklist.version")
    kind: str
    inspected_on: datetime.date
    outcome: str
    key_failed: int
    general_failed: int
    catering_level: str
    repeat_items: list[str]
    summary: str
    entity_signer: str
    publish_due: datetime.date | None
    signed_at: datetime.datetime


class InspectionDetail(InspectionOut):
    signatures: list[SignatureOut]
    answers: list[InspectionAnswerOut]
    order: OrderRef | None

    @staticmethod
    def resolve_signatures(obj):
        return list(obj.signatures.order_by("pk"))

    @staticmethod
    def resolve_answers(obj):
        return list(inspecting_selectors.inspection_answers(obj))

    @staticmethod
    def resolve_order(obj):
        return getattr(obj, "order", None) if obj.outcome != "conform" else None


@router.post(
    "/inspections",
    response={200: InspectionDetail, 201: InspectionDetail},
    summary="提交已签字的监督检查记录（201 新建；同一提交编号重复提交返回 200 和原记录）",
)
@access(REGULATORS)
def inspection_sign(request, payload: InspectionIn):
    data = payload.dict()
    task = task_selectors.task_get(user=request.user, pk=data.pop("task_id"))
    inspection, created = inspecting_services.sign_inspection(actor=request.user, task=task, **data)
    return Status(201 if created else 200, inspecting_selectors.inspection_get(user=request.user, pk=inspection.pk))


@router.get("/inspections", response=list[InspectionOut], summary="监督检查记录")
@access(SIGNED_IN)
@paginate(Pages)
def inspection_list(request, region: RegionCode | None = None, entity_id: IdField | None = None):
    return inspecting_selectors.inspection_list(user=request.user, region_code=region, entity_id=entity_id)


@router.get("/inspections/{pk}", response=InspectionDetail, summary="监督检查记录详情（签字后锁定）")
@access(SIGNED_IN, objects="inspection")
def inspection_get(request, pk: Id):
    return inspecting_selectors.inspection_get(user=request.user, pk=pk)


# -- rectification orders -------------------------------------------------------------------------------------


class OrderOut(OrderRef):
    entity_id: int
    entity_name: str = Field(..., alias="entity.name")
    inspection_id: int
    items: list[dict]
    repeat: bool
    issued_at: datetime.datetime
    closed_at: datetime.datetime | None
    escalated_at: datetime.datetime | None


class AnswerTextIn(Schema):
    text: LongText
    photos: PhotoIds = []


class RecheckIn(Schema):
    passed: bool
    note: Note = ""


@router.get("/orders", response=list[OrderOut], summary="监督检查整改通知（企业只看本单位）")
@access(SIGNED_IN)
@paginate(Pages)
def order_list(request, status: ShortText = "", region: RegionCode | None = None):
    return order_selectors.order_list(user=request.user, region_code=region, status=status)


@router.get("/orders/{pk}", response=OrderOut, summary="整改通知详情")
@access(SIGNED_IN, objects="rect_order")
def order_get(request, pk: Id):
    return order_selectors.order_get(user=request.user, pk=pk)


@router.post("/orders/{pk}/answer", response={201: OrderOut}, summary="企业反馈整改情况（附整改照片编号）")
@access(ENTERPRISE, objects="rect_order")
def order_answer(request, pk: Id, payload: AnswerTextIn):
    order = order_selectors.order_get(user=request.user, pk=pk)
    order_services.answer_order(actor=request.user, order=order, text=payload.text, photo_ids=payload.photos)
    return Status(201, order_selectors.order_get(user=request.user, pk=pk))


@router.post("/orders/{pk}/recheck", response={201: OrderOut}, summary="复查：通过销号，不通过退回企业")
@access(REGULATORS, objects="rect_order")
def order_recheck(request, pk: Id, payload: RecheckIn):
    order = order_selectors.order_get(user=request.user, pk=pk)
    order_services.recheck_order(actor=request.user, order=order, passed=payload.passed, note=payload.note)
    return Status(201, order_selectors.order_get(user=request.user, pk=pk))
