"""Staff operations of disclosure, 你点我检 and rapid tests over /api/v1/sampling (docs/sampling.md §5):
publish and withdraw results (one, or a month), campaigns and their winners as plan lines, rapid-test rooms and
their daily tests. Writes go through services (scoped, audited), reads through selectors."""

import datetime
from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from shian.accounts.access import REGULATORS, STATION
from shian.core.access import access
from shian.core.api_types import Id, IdField, ShortText

from ..models import RapidTest
from ..selectors import campaigns as campaign_selectors
from ..selectors import public as public_selectors
from ..services import campaigns as campaign_services
from ..services import publish as publish_services
from ..services import rapid as rapid_services

router = Router(tags=["抽检监测：公开与快检"])


class PublishedOut(Schema):
    id: int
    number: str
    published_at: datetime.datetime | None


class WithdrawIn(Schema):
    reason: ShortText = Field(description="撤回原因")


class MonthIn(Schema):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="报告月份，如 2026-03")
    region_code: str = Field("", max_length=12, pattern=r"^\d*$", description="不填为本人辖区")


@router.post("/samples/{pk}/publish", response=PublishedOut, summary="公布样品检验结果")
@access(STATION, objects="sample")
def publish(request, pk: Id):
    sample = public_selectors.sample_in_scope(user=request.user, pk=pk)
    return publish_services.publish_sample(actor=request.user, sample=sample)


@router.post("/samples/{pk}/withdraw", response=PublishedOut, summary="撤回已公布的检验结果")
@access(STATION, objects="sample")
def withdraw(request, pk: Id, body: WithdrawIn):
    sample = public_selectors.sample_in_scope(user=request.user, pk=pk)
    return publish_services.withdraw_sample(actor=request.user, sample=sample, reason=body.reason)


@router.post("/publish-month", response=dict, summary="按报告月份批量公布检验结果")
@access(STATION)
def publish_month(request, body: MonthIn):
    n = publish_services.publish_month(actor=request.user, region_code=body.region_code, month=body.month)
    return {"published": n}


class CampaignOut(Schema):
    id: int
    title: str
    region_code: str = Field(..., alias="region_id")
    status: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    winners: int
    n_votes: int


@router.get("/campaigns", response=list[CampaignOut], summary="你点我检活动（本辖区）")
@access(STATION)
def campaigns(request):
    return list(campaign_selectors.staff_campaigns(user=request.user)[:200])


class PlanLinesIn(Schema):
    month: int = Field(ge=1, le=12)


@router.post("/campaigns/{pk}/plan-lines", response=dict, summary="入选食品列入抽检计划")
@access(STATION, objects="campaign")
def plan_lines(request, pk: Id, body: PlanLinesIn):
    c = campaign_selectors.campaign_get(user=request.user, pk=pk)
    lines = campaign_services.make_plan_lines(actor=request.user, campaign=c, month=body.month)
    return {"lines": [ln.pk for ln in lines]}


class RoomOut(Schema):
    id: int
    station_id: int
    name: str
    since: datetime.date
    active: bool


@router.get("/rapid-rooms", response=list[RoomOut], summary="快检室")
@access(REGULATORS)
def rapid_rooms(request):
    return list(campaign_selectors.rooms(user=request.user))


class RapidTestIn(Schema):
    day: datetime.date
    product: ShortText
    item: ShortText
    result: Literal[tuple(RapidTest.Result.values)]
    entity_id: IdField | None = None


class RapidTestOut(Schema):
    id: int
    day: datetime.date
    product: str
    item: str
    result: str


@router.post("/rapid-rooms/{pk}/tests", response={201: RapidTestOut}, summary="登记快检")
@access(STATION, objects="rapid_room")
def rapid_test(request, pk: Id, body: RapidTestIn):
    room = campaign_selectors.room_get(user=request.user, pk=pk)
    test = rapid_services.record_test(actor=request.user, room=room, day=body.day, product=body.product,
                                      item=body.item, result=body.result, entity_id=body.entity_id)  # fmt: skip
    return 201, test
