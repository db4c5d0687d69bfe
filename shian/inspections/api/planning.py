"""Stations, yearly plans and 双随机一公开 draws over /api/v1/inspections (docs/inspections.md §3, §4). Every
write goes through services, every read through selectors."""

import datetime
from typing import Annotated

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from shian.accounts.access import ANYONE, REGULATORS, STATION
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, Text

from ..selectors import draws as draw_selectors
from ..selectors import planning as plan_selectors
from ..selectors import stations as station_selectors
from ..services import draws as draw_services
from ..services import planning as plan_services

router = Router(tags=["监督检查"])
Seed = Annotated[str, StringConstraints(max_length=64, pattern=r"^[^\x00]*$")]


class RegionFilter(Schema):
    region_code: RegionCode | None = None


class StationOut(Schema):
    id: int
    code: str
    name: str
    region_code: str = Field(alias="region_id")
    townships: list[str]
    inspectors: int

    @staticmethod
    def resolve_townships(obj):
        return [t.code for t in obj.townships.all()]

    @staticmethod
    def resolve_inspectors(obj):
        return len(obj.inspectors.all())


@router.get("/stations", response=list[StationOut], summary="辖区内的市场监管所")
@access(REGULATORS)
@paginate(Pages)
def station_list(request, filters: Query[RegionFilter]):
    return station_selectors.station_list(user=request.user, region_code=filters.region_code)


# -- plans ------------------------------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    region_code: str = Field(alias="region_id")
    year: int
    summary: dict
    shortfall: list
    created_at: datetime.datetime


class PlanIn(Schema):
    year: int = Field(ge=2000, le=2100)
    region_code: RegionCode | None = None


@router.get("/plans", response=list[PlanOut], summary="年度检查计划")
@access(REGULATORS)
@paginate(Pages)
def plan_list(request, filters: Query[RegionFilter]):
    return plan_selectors.plan_list(user=request.user, region_code=filters.region_code)


@router.post("/plans", response={201: PlanOut}, summary="为区划制定年度检查计划（替换同年度原计划）")
@access(REGULATORS)
def plan_create(request, payload: PlanIn):
    region = payload.region_code or request.user.region_id or ""
    return Status(201, plan_services.plan_year(actor=request.user, region_code=region, year=payload.year))


@router.get("/plans/{pk}", response=PlanOut, summary="年度检查计划：统计与人力缺口")
@access(REGULATORS, objects="plan")
def plan_get(request, pk: Id):
    return plan_selectors.plan_get(user=request.user, pk=pk)


# -- draws ------------------------------------------------------------------------------------------------------


class DrawOut(Schema):
    id: int
    title: str
    region_code: str = Field(alias="region_id")
    station_id: int | None
    algorithm: str
    seed: str
    count: int
    weighted: bool
    candidates_sha256: str
    inspectors_sha256: str
    model_version: str
    weights_sha256: str
    created_at: datetime.datetime
    publish_due: datetime.date | None
    published_at: datetime.datetime | None


class DrawDetail(DrawOut):
    exclusions: list
    result: list


class DrawIn(Schema):
    count: int = Field(ge=1, le=1_000_000)
    region_code: RegionCode | None = None
    seed: Seed = ""
    weighted: bool = False
    use_score: bool = False
    station_id: IdField | None = None
    title: Text = ""


class VerifyOut(Schema):
    draw: int
    algorithm: str
    reproduced: bool
    problems: list[str]


class PublicRow(Schema):
    name: str
    uscc: str
    inspectors: list[str]
    outcome: str


class PublicDraw(Schema):
    id: int
    title: str
    region_code: str
    algorithm: str
    seed: str
    candidates_sha256: str
    published_at: datetime.datetime
    rows: list[PublicRow]


@router.get("/draws", response=list[DrawOut], summary="双随机抽取")
@access(REGULATORS)
@paginate(Pages)
def draw_list(request, filters: Query[RegionFilter]):
    return draw_selectors.draw_list(user=request.user, region_code=filters.region_code)


@router.post("/draws", response={201: DrawDetail}, summary="双随机抽取：随机抽取主体和执法人员并生成检查任务")
@access(REGULATORS)
def draw_create(request, payload: DrawIn):
    draw = draw_services.run_draw(
        actor=request.user, region_code=payload.region_code or request.user.region_id or "", count=payload.count,
        seed=payload.seed, weighted=payload.weighted, station_id=payload.station_id, title=payload.title,
        use_score=payload.use_score,
    )  # fmt: skip
    return Status(201, draw)


@router.get("/draws/{pk}", response=DrawDetail, summary="双随机抽取：参数、哈希、排除情况和结果")
@access(REGULATORS, objects="draw")
def draw_get(request, pk: Id):
    return draw_selectors.draw_get(user=request.user, pk=pk)


@router.get("/draws/{pk}/verify", response=VerifyOut, summary="复算双随机抽取")
@access(REGULATORS, objects="draw")
def draw_verify(request, pk: Id):
    return draw_services.verify_draw(draw_selectors.draw_get(user=request.user, pk=pk).pk)


@router.post("/draws/{pk}/publish", response=DrawOut, summary="公示双随机抽查结果")
@access(STATION, objects="draw")
def draw_publish(request, pk: Id):
    return draw_services.publish_draw(actor=request.user, draw=draw_selectors.draw_get(user=request.user, pk=pk))


@router.get("/public/draws", response=list[PublicDraw], auth=None, summary="已公示的双随机抽查结果（无需登录）")
@access(ANYONE)
@paginate(Pages)
def public_draws(request):
    return [
        {"id": d.pk, "title": d.title, "region_code": d.region_id, "algorithm": d.algorithm, "seed": d.seed,
         "candidates_sha256": d.candidates_sha256, "published_at": d.published_at,
         "rows": draw_selectors.public_rows(d)}
        for d in draw_selectors.public_draws()[:100]
    ]  # fmt: skip
