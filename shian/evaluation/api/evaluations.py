"""Catalogs, evaluations, their score, tasks, evidence and review over /api/v1/evaluation (docs/evaluation.md §5)."""

import datetime
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from shian.accounts.access import ADMINS, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.api_types import Id, Pages

from ..models import Catalog
from ..selectors import tasks as selectors
from ..services import catalog as catalogs
from ..services import score as scoring
from ..services import tasks as services

router = Router()
READERS = STATION | {Role.DEPARTMENT_STAFF, Role.AUDITOR}
WORKERS = ADMINS | {Role.DEPARTMENT_STAFF}


class CatalogOut(Schema):
    version: str
    title: str
    authority: str
    valid_from: int | None
    valid_to: int | None
    total_points: Decimal
    counts: dict

    @staticmethod
    def resolve_counts(obj):
        return catalogs.summary(obj)


class EvaluationOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    catalog: str = Field(..., alias="catalog.version")
    started_on: datetime.date


class KpiFigureOut(Schema):
    key: str
    label: str
    value: float | None
    text: str
    threshold: float
    link: str = Field(..., description="平台内支撑该数字的记录列表")


class IndicatorOut(Schema):
    no: int = Field(..., description="小项序号")
    aspect: str = Field(..., description="所属方面（否决项为空）")
    item: int | None
    indicator: str = Field(..., description="自动指标键（docs/evaluation.md §6）")
    label: str
    on: datetime.date = Field(..., description="统计日（上月末、上季度末或评分日）")
    stored: bool = Field(..., description="读自一张图当日的指标历史，而非现算")
    veto: bool
    max: float | None
    points: float | None = Field(..., description="指标折算的得分（否决项为空）")
    used: bool = Field(..., description="该小项得分即指标得分（食安办未评定、非合理缺项）")
    failed: bool = Field(..., description="否决项：指标未达标，一票否决")
    kpis: list[KpiFigureOut]
    note: str


class ScoreOut(Schema):
    total: float
    max: float
    by_aspect: dict[str, float]
    not_applicable: float
    veto_failed: list[dict]
    projected: float
    indicators: list[IndicatorOut]


class TaskOut(Schema):
    id: int
    evaluation_id: int
    sub_item_no: int = Field(..., alias="sub_item.no")
    department: str = Field(..., alias="department_id")
    lead: bool
    period_start: datetime.date | None
    due: datetime.date
    status: str
    return_reason: str


class TaskFilter(Schema):
    status: str = ""


class EvidenceIn(Schema):
    link: str = Field("", max_length=300)
    note: str = Field("", max_length=1000)


class ReviewIn(Schema):
    accept: bool
    reason: str = Field("", max_length=500)


@router.get("/catalogs", response=list[CatalogOut], summary="已载入的评价细则")
@access(READERS)
def catalog_list(request):
    return list(Catalog.objects.order_by("-loaded_at")[:50])


@router.get("/evaluations", response=list[EvaluationOut], summary="示范创建评价（管辖范围内）")
@access(READERS)
@paginate(Pages)
def evaluation_list(request):
    return selectors.evaluation_list(user=request.user)


@router.get("/evaluations/{pk}/score", response=ScoreOut, summary="评价当前得分、合理缺项、否决项和预计得分")
@access(READERS, objects="evaluation")
def evaluation_score(request, pk: Id):
    return scoring.score(selectors.evaluation_get(user=request.user, pk=pk))


@router.get("/tasks", response=list[TaskOut], summary="评价任务（部门账号只见本部门）")
@access(WORKERS)
@paginate(Pages)
def task_list(request, filters: Query[TaskFilter]):
    return selectors.task_list(user=request.user, status=filters.status)


@router.post("/tasks/{pk}/evidence", response={201: TaskOut}, summary="为本部门任务提交佐证（平台记录链接或说明）")
@access(WORKERS, objects="evaluation_task")
def task_evidence(request, pk: Id, payload: EvidenceIn):
    task = selectors.task_get(user=request.user, pk=pk)
    services.add_evidence(actor=request.user, task=task, link=payload.link, note=payload.note)
    return Status(201, selectors.task_get(user=request.user, pk=pk))


@router.post("/tasks/{pk}/review", response=TaskOut, summary="食安办审核任务：通过或退回（须填理由）")
@access(ADMINS, objects="evaluation_task")
def task_review(request, pk: Id, payload: ReviewIn):
    task = selectors.task_get(user=request.user, pk=pk)
    return services.review(actor=request.user, task=task, accept=payload.accept, reason=payload.reason)
