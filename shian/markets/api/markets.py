"""Smart markets over /api/v1/markets (docs/markets.md §4): the markets in reach with the day's figures, a market's
day board, its stalls (list, add, edit, release a hold), posting a stall's rapid test and the day's prices. Every
write goes through the services, every read through the scoped selectors; phones are masked."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from shian.accounts.access import SIGNED_IN
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode
from shian.core.jurisdiction import scope_queryset
from shian.core.pii import mask_phone
from shian.sampling.models import RapidTestRoom

from ..models import Category, StallTest
from ..selectors import markets as selectors
from ..services import prices as price_services
from ..services import stalls as stall_services
from ..services import testing as test_services
from ..services.common import KEEPERS

router = Router(tags=["智慧菜市场"])
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class MarketOut(Schema):
    id: int
    name: str
    region_code: str = Field(..., alias="region_id")
    address: str
    stalls_active: int = 0
    stalls_tested: int = 0
    tests: int = 0
    failed: int = 0
    on_hold: int = 0


class StallOut(Schema):
    id: int
    market_id: int
    number: str
    operator_id: int | None
    operator: str = Field(description="经营主体名称或经营者姓名")
    operator_phone: str = Field(description="联系电话（脱敏）")
    categories: list[str]
    active_from: datetime.date
    active_until: datetime.date | None
    on_hold: bool
    hold_reason: str

    @staticmethod
    def resolve_operator(obj):
        return obj.operator_label()

    @staticmethod
    def resolve_operator_phone(obj):
        return mask_phone(obj.operator_phone) if obj.operator_phone else ""


class TestOut(Schema):
    id: int
    stall_id: int
    day: datetime.date
    tested_at: datetime.datetime
    product: str
    item: str
    result: str
    tester: str
    rapid_test_id: int | None


class PriceOut(Schema):
    product: str
    unit: str
    price: Decimal


class LineOut(Schema):
    stall: StallOut
    failed: bool
    tests: list[TestOut]
    prices: list[PriceOut]


class DayOut(Schema):
    market: MarketOut
    day: datetime.date
    lines: list[LineOut]


class MarketFilter(Schema):
    region: RegionCode | None = None
    day: datetime.date | None = Field(None, description="统计日（默认今天）")


class DayFilter(Schema):
    day: datetime.date | None = Field(None, description="日期（默认今天）")


class StallIn(Schema):
    number: _text(20, True)
    operator_id: IdField | None = Field(None, description="经营主体编号（登记在册的主体）")
    operator_name: _text(50) = Field("", description="个人经营者姓名（无经营主体时）")
    operator_phone: _text(20) = ""
    categories: list[Literal[tuple(Category.values)]] = Field(..., max_length=len(Category.values))
    active_from: datetime.date
    active_until: datetime.date | None = None


class TestIn(Schema):
    stall_id: IdField
    day: datetime.date
    at: datetime.time | None = Field(None, description="检测时间（默认现在或当日中午）")
    product: _text(100, True)
    item: _text(100, True)
    result: Literal[tuple(StallTest.Result.values)]
    tester: _text(50, True)
    room_id: IdField | None = Field(None, description="记入监管所快检室（仅监管所人员）")


class PriceRowIn(Schema):
    product: _text(50, True)
    unit: _text(10) = ""
    price: Decimal = Field(..., gt=0, max_digits=8, decimal_places=2)


class PricesIn(Schema):
    stall_id: IdField
    day: datetime.date
    rows: list[PriceRowIn] = Field(..., max_length=100)


class ReleaseIn(Schema):
    note: _text(500, True)


@router.get("/markets", response=list[MarketOut], summary="管辖范围内的集中交易市场及当日快检情况")
@access(SIGNED_IN)
@paginate(Pages)
def market_list(request, filters: Query[MarketFilter]):
    qs = selectors.markets(user=request.user, region_code=filters.region)
    return _CountedPage(qs, filters.day or timezone.localdate())


class _CountedPage:
    """A queryset whose sliced page gets the day's figures in grouped queries (not one query per market)."""

    def __init__(self, qs, day):
        self.qs, self.day = qs, day

    def count(self):
        return self.qs.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        return selectors.with_day_counts(self.qs[item], self.day)


@router.get("/markets/{pk}/day", response=DayOut, summary="市场某日的摊位快检与价格（默认今天）")
@access(SIGNED_IN, objects="market")
def market_day(request, pk: Id, filters: Query[DayFilter]):
    market = selectors.market_get(user=request.user, pk=pk)
    day = filters.day or timezone.localdate()
    (market,) = selectors.with_day_counts([market], day)
    lines = selectors.market_day(market, day)
    return {"market": market, "day": day,
            "lines": [{"stall": ln.stall, "failed": ln.failed, "tests": ln.tests, "prices": ln.prices} for ln in lines]}  # fmt: skip


@router.get("/markets/{pk}/stalls", response=list[StallOut], summary="市场的摊位登记")
@access(SIGNED_IN, objects="market")
@paginate(Pages)
def stall_list(request, pk: Id):
    market = selectors.market_get(user=request.user, pk=pk)
    return selectors.stalls(user=request.user, market=market)


@router.post("/markets/{pk}/stalls", response={201: StallOut}, summary="登记摊位（摊位号在本市场内唯一）")
@access(KEEPERS, objects="market")
def stall_add(request, pk: Id, payload: StallIn):
    market = selectors.market_get(user=request.user, pk=pk)
    return Status(201, stall_services.add_stall(actor=request.user, market=market, **payload.dict()))


@router.put("/stalls/{pk}", response=StallOut, summary="修改摊位")
@access(KEEPERS, objects="stall")
def stall_update(request, pk: Id, payload: StallIn):
    stall = selectors.stall_get(user=request.user, pk=pk)
    return stall_services.update_stall(actor=request.user, stall=stall, **payload.dict())


@router.post("/stalls/{pk}/release", response=StallOut, summary="解除摊位暂停销售（说明依据）")
@access(KEEPERS, objects="stall")
def stall_release(request, pk: Id, payload: ReleaseIn):
    stall = selectors.stall_get(user=request.user, pk=pk)
    return test_services.release_hold(actor=request.user, stall=stall, note=payload.note)


@router.post(
    "/markets/{pk}/tests", response={201: TestOut}, summary="登记摊位快检（不合格达到规则次数即暂停该摊位销售）"
)
@access(KEEPERS, objects="market")
def test_add(request, pk: Id, payload: TestIn):
    market = selectors.market_get(user=request.user, pk=pk)
    room = None
    if payload.room_id:
        room = scope_queryset(RapidTestRoom.objects.all(), request.user, "station__region").filter(
            pk=payload.room_id).first()  # fmt: skip
        if room is None:
            raise Http404
    test = test_services.record_test(
        actor=request.user, market=market, stall_id=payload.stall_id, day=payload.day, at=payload.at,
        product=payload.product, item=payload.item, result=payload.result, tester=payload.tester, room=room,
    )  # fmt: skip
    return Status(201, test)


@router.post("/markets/{pk}/prices", response=list[PriceOut], summary="登记摊位当日价格（同一天再次登记即替换）")
@access(KEEPERS, objects="market")
def prices_set(request, pk: Id, payload: PricesIn):
    market = selectors.market_get(user=request.user, pk=pk)
    rows = [r.dict() for r in payload.rows]
    return price_services.set_prices(actor=request.user, market=market, stall_id=payload.stall_id, day=payload.day,
                                     rows=rows)  # fmt: skip
