"""Plans, tasks and the overview over /api/v1/sampling (docs/sampling.md §2): the plans of the caller's
jurisdiction and one plan with its tables, planning a year (county and higher administrators), a station's tasks
of a month, the overview's figures, and setting a region's residents. Scoped like the pages."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from shian.accounts.access import REGULATORS
from shian.core.access import access
from shian.core.api_types import AreaOut, FigureOut, Id, IdField, Pages, RegionCode
from shian.core.jurisdiction import require_in_scope
from shian.regions.services import POPULATION_KEEPERS, set_population

from ..models import SamplingTask
from ..selectors import plans as selectors
from ..services import plans as services

router = Router(tags=["抽检监测"])


class PlanOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    year: int
    residents: int
    rate: float
    batches: int
    version: int

    @staticmethod
    def resolve_version(obj):
        return int(obj.summary.get("version") or 1)


class CategoryRow(Schema):
    code: str
    name: str
    planned: int
    sampled: int


class TownshipRow(Schema):
    code: str
    name: str
    months: list[int]
    planned: int
    sampled: int


class PlanDetail(PlanOut):
    summary: dict
    by_category: list[CategoryRow]
    by_township: list[TownshipRow]


class PlanIn(Schema):
    region: RegionCode
    year: int = Field(ge=2000, le=2100)
    rate: Decimal | None = Field(None, gt=0, lt=1000, decimal_places=2, description="每千人批次；不填按规则")


class TaskOut(Schema):
    id: int
    station_id: int | None
    station_name: str | None
    region_code: str = Field(..., alias="region_id")
    kind: str
    category: str
    month: int
    batches: int
    sampled: int
    status: str

    @staticmethod
    def resolve_station_name(obj):
        return obj.station.name if obj.station else None


class TaskFilter(Schema):
    region: RegionCode | None = None
    station_id: IdField | None = None
    month: int | None = Field(None, ge=200001, le=210012, description="年份×100+月，如 202612")
    status: Literal[tuple(SamplingTask.Status.values)] | None = None


class CategoryOut(Schema):
    code: str
    name: str
    planned: int
    sampled: int
    failed: int


class MonthOut(Schema):
    month: int
    planned: int
    sampled: int


class OverviewOut(Schema):
    region_code: str
    region_name: str
    as_of: datetime.date
    figures: list[FigureOut]
    todo: dict[str, int]
    categories: list[CategoryOut]
    months: list[MonthOut]
    areas: list[AreaOut]


class PopulationIn(Schema):
    population: int | None = Field(None, ge=0, le=2_000_000_000, description="常住人口；null 清除")


class PopulationOut(Schema):
    code: str
    name: str
    population: int | None
    residents: int = Field(description="本级常住人口（本级未填写时为下级之和）")


def _detail(plan):
    tables = selectors.plan_tables(plan)
    plan.by_category, plan.by_township = tables["categories"], tables["townships"]
    return plan


@router.get("/plans", response=list[PlanOut], summary="抽检计划（管辖范围内）")
@access(REGULATORS)
@paginate(Pages)
def plan_list(request, region: RegionCode | None = None):
    return selectors.plan_list(user=request.user, region_code=region)


@router.get("/plans/{pk}", response=PlanDetail, summary="抽检计划详情：按类别、乡镇和月份的批次及已抽样")
@access(REGULATORS, objects="sampling_plan")
def plan_get(request, pk: Id):
    return _detail(selectors.plan_get(user=request.user, pk=pk))


@router.post("/plans", response={201: PlanDetail}, summary="制定（或重新制定）年度抽检计划并生成抽样任务")
@access(services.PLANNERS)
def plan_create(request, payload: PlanIn):
    plan = services.plan_sampling(actor=request.user, region_code=payload.region, year=payload.year,
                                  rate=payload.rate)  # fmt: skip
    return Status(201, _detail(selectors.plan_get(user=request.user, pk=plan.pk)))


@router.get("/tasks", response=list[TaskOut], summary="抽样任务（按所、按月）")
@access(REGULATORS)
@paginate(Pages)
def task_list(request, filters: Query[TaskFilter]):
    return selectors.task_list(user=request.user, region_code=filters.region, station_id=filters.station_id,
                               month=filters.month, status=filters.status or "")  # fmt: skip


@router.get("/overview", response=OverviewOut, url_name="sampling_overview",
            summary="抽检监测总览（计划完成率、合格率、处置率与按期率、生产企业覆盖率；按下级、类别和月份）")  # fmt: skip
@access(REGULATORS)
def overview(request, region: RegionCode | None = None):
    ov = selectors.overview(user=request.user, region_code=region)
    return {
        "region_code": ov.code, "region_name": ov.region.name if ov.region else "", "as_of": ov.as_of,
        "figures": ov.figures, "todo": ov.todo, "categories": ov.categories, "months": ov.months,
        "areas": [{"code": r["code"], "name": str(r["name"]), "direct": r["direct"], "values": r["values"]}
                  for r in ov.rows],
    }  # fmt: skip


@router.put("/population/{code}", response=PopulationOut, summary="设置区划常住人口（县级及以上管理员）")
@access(frozenset(POPULATION_KEEPERS), objects="region")
def population_set(request, code: RegionCode, payload: PopulationIn):
    require_in_scope(request.user, code)
    region = set_population(actor=request.user, region_code=code, population=payload.population)
    return {"code": region.code, "name": region.name, "population": region.population,
            "residents": selectors.residents(region.code).total}  # fmt: skip
