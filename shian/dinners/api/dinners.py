"""Dinners, guidance tasks and chefs over /api/v1/dinners (docs/dinners.md §5): scoped lists and records, the
report (refused without a chef), the signed guidance checklist, the chef registry with masked ID and phone."""

import datetime
import uuid
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import REGULATORS, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText
from shian.core.pii import mask_id_number, mask_phone

from ..models import Grade, GuidanceTask
from ..selectors import dinners as selectors
from ..services import chefs as chef_services
from ..services import dinners as services
from ..services import guidance

router = Router()
REPORTERS = frozenset(services.REPORTERS)
GUIDES = STATION | {Role.GRID_WORKER, Role.CADRE}
CHEF_READERS = STATION | {Role.AUDITOR}
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class DinnerIn(Schema):
    region_code: RegionCode = Field(description="聚餐所在村（社区）的 12 位代码")
    place: _text(200, True)
    held_on: datetime.date
    occasion: _text(50) = ""
    host_name: _text(50, True)
    host_phone: _text(20) = ""
    diners: int = Field(ge=1, le=services.MAX_DINERS)
    tables: int = Field(0, ge=0, le=services.MAX_DINERS)
    chef_id: IdField | None = Field(None, description="流动厨师名录中的厨师；不填则拒绝")
    menu: _text(2000, True)
    sources: _text(2000, True)
    insured: bool = False
    insurer: _text(100) = ""
    policy_number: _text(50) = ""


class TaskOut(Schema):
    id: int
    status: str
    assignee_id: int | None
    done_at: datetime.datetime | None


class DinnerOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    place: str
    held_on: datetime.date
    occasion: str
    host_name: str
    host_phone: str
    diners: int
    tables: int
    chef_id: int
    chef_name: str
    menu: str
    sources: str
    insured: bool
    insurer: str
    policy_number: str
    grade: str
    grade_rules: dict
    task: TaskOut | None

    @staticmethod
    def resolve_host_phone(obj):
        return mask_phone(obj.host_phone)

    @staticmethod
    def resolve_chef_name(obj):
        return obj.chef.name

    @staticmethod
    def resolve_task(obj):
        try:
            return obj.task  # select_related by the selectors
        except GuidanceTask.DoesNotExist:
            return None


class DinnerFilter(Schema):
    region: RegionCode | None = None
    grade: Literal[tuple(Grade.values)] | None = None
    q: ShortText = ""


@router.get("/dinners", response=list[DinnerOut], summary="农村集体聚餐（管辖范围内）")
@access(REGULATORS)
@paginate(Pages)
def dinner_list(request, filters: Query[DinnerFilter]):
    return selectors.dinner_list(user=request.user, region_code=filters.region, grade=filters.grade or "",
                                 q=filters.q)  # fmt: skip


@router.get("/dinners/{pk}", response=DinnerOut, summary="聚餐详情：指导等级及其规则、指导任务")
@access(REGULATORS, objects="dinner")
def dinner_get(request, pk: Id):
    return selectors.dinner_get(user=request.user, pk=pk)


@router.post(
    "/dinners", response={201: DinnerOut}, summary="报告农村集体聚餐（无厨师则拒绝；达到指导人数生成指导任务）"
)
@access(REPORTERS)
def dinner_create(request, payload: DinnerIn):
    dinner = services.report_dinner(actor=request.user, **payload.dict())
    return Status(201, selectors.dinner_get(user=request.user, pk=dinner.pk))


class TaskRow(Schema):
    id: int
    dinner_id: int
    region_code: str = Field(..., alias="region_id")
    held_on: datetime.date
    place: str
    diners: int
    grade: str
    status: str
    assignee_id: int | None

    @staticmethod
    def resolve_held_on(obj):
        return obj.dinner.held_on

    @staticmethod
    def resolve_place(obj):
        return obj.dinner.place

    @staticmethod
    def resolve_diners(obj):
        return obj.dinner.diners

    @staticmethod
    def resolve_grade(obj):
        return obj.dinner.grade


class TaskFilter(Schema):
    region: RegionCode | None = None
    status: Literal[tuple(GuidanceTask.Status.values)] | None = None
    mine: bool = False


@router.get("/tasks", response=list[TaskRow], summary="聚餐指导任务（管辖范围内或指派给本人）")
@access(GUIDES)
@paginate(Pages)
def task_list(request, filters: Query[TaskFilter]):
    return selectors.task_list(user=request.user, region_code=filters.region, status=filters.status or "",
                               mine=filters.mine)  # fmt: skip


class ItemOut(Schema):
    id: int
    position: int
    category: str
    text: str
    severity: str
    guidance: str


class ChecklistOut(Schema):
    task_id: int
    checklist_id: int
    version: int
    title: str
    items: list[ItemOut]


@router.get("/tasks/{pk}/checklist", response=ChecklistOut, summary="指导任务适用的现场检查表（现行版本）")
@access(GUIDES, objects="dinner_task")
def task_checklist(request, pk: Id):
    task = selectors.task_get(user=request.user, pk=pk)
    checklist = guidance.checklist_for(task)
    return {"task_id": task.pk, "checklist_id": checklist.pk, "version": checklist.version, "title": checklist.title,
            "items": list(checklist.items.order_by("position"))}  # fmt: skip


class AnswerIn(Schema):
    item: IdField
    result: Literal["pass", "fail", "na"]
    note: _text(500) = ""


class GuidanceIn(Schema):
    client_key: uuid.UUID
    checklist_id: IdField
    answers: list[AnswerIn] = Field(max_length=200)
    host_signer: _text(50, True)
    summary: _text(2000) = ""
    started_at: AwareDatetime | None = None


class GuidanceOut(Schema):
    id: int
    task_id: int
    checklist_id: int
    signed_at: datetime.datetime
    signer_name: str
    host_signer: str
    failed: int


@router.post("/tasks/{pk}/guidance", response={201: GuidanceOut, 200: GuidanceOut},
             summary="提交签字的现场指导检查表（同一提交编号重发返回已存记录）")  # fmt: skip
@access(GUIDES, objects="dinner_task")
def task_sign(request, pk: Id, payload: GuidanceIn):
    task = selectors.task_get(user=request.user, pk=pk)
    data = payload.dict()
    data["answers"] = [dict(a) for a in data["answers"]]
    visit, created = guidance.sign_guidance(actor=request.user, task=task, **data)
    return Status(201 if created else 200, visit)


# -- chefs --------------------------------------------------------------------------------------------------------


class ChefIn(Schema):
    region_code: RegionCode
    name: _text(50, True)
    id_number: _text(18, True)
    phone: _text(20, True)
    cert_number: _text(50) = ""
    cert_expires_on: datetime.date


class TrainingOut(Schema):
    held_on: datetime.date
    title: str
    hours: int


class ChefOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    name: str
    id_number: str
    phone: str
    cert_number: str
    cert_expires_on: datetime.date
    active: bool
    trainings: list[TrainingOut]

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_trainings(obj):
        return list(obj.trainings.all())


class ChefFilter(Schema):
    region: RegionCode | None = None
    q: ShortText = ""
    expiring: bool = False


@router.get("/chefs", response=list[ChefOut], summary="流动厨师名录（身份证号、手机号脱敏）")
@access(CHEF_READERS)
@paginate(Pages)
def chef_list(request, filters: Query[ChefFilter]):
    return selectors.chef_list(user=request.user, region_code=filters.region, q=filters.q,
                               expiring=filters.expiring).prefetch_related("trainings")  # fmt: skip


@router.get("/chefs/{pk}", response=ChefOut, summary="流动厨师：健康证明、培训记录")
@access(CHEF_READERS, objects="chef")
def chef_get(request, pk: Id):
    return selectors.chef_get(user=request.user, pk=pk)


@router.post("/chefs", response={201: ChefOut}, summary="登记流动厨师（身份证号校验、不得重复）")
@access(STATION)
def chef_create(request, payload: ChefIn):
    chef = chef_services.add_chef(actor=request.user, **payload.dict())
    return Status(201, chef)


class TrainingIn(Schema):
    held_on: datetime.date
    title: _text(200, True)
    hours: int = Field(0, ge=0, le=200)


@router.post("/chefs/{pk}/trainings", response={201: ChefOut}, summary="登记厨师培训")
@access(STATION, objects="chef")
def chef_training(request, pk: Id, payload: TrainingIn):
    chef = selectors.chef_get(user=request.user, pk=pk)
    chef_services.add_training(actor=request.user, chef=chef, **payload.dict())
    return Status(201, selectors.chef_get(user=request.user, pk=pk))
