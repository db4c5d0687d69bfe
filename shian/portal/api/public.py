"""The public open-data router (docs/portal.md §3), part of the open API (shian/api/open.py) served at
/api/public/v1/ and /api/open/v1/: establishments (keyset pages by id, filters region / format (业态) / rating /
updated-since), one establishment, ratings (published inspections), red/black list editions. No login, no
cookies, never a person; the per-address limit and its 429 with `Retry-After` are the open API's."""

import datetime

from ninja import Query, Router, Schema
from pydantic import Field

from shian.accounts.access import ANYONE
from shian.core import rules
from shian.core.access import access
from shian.core.api_types import Id
from shian.entities.models import BusinessType

from ..ruledefs import API_PAGE
from ..selectors import editions as edition_selectors
from ..selectors import establishments as selectors

router = Router(tags=["公开数据：食品经营单位"])


class RatingOut(Schema):
    rating: str = Field(description="量化等级（excellent/good/average），非餐饮为检查结果（conform/basic/nonconform）")
    outcome: str
    level: str
    inspected_on: datetime.date


class EstablishmentOut(Schema):
    id: int
    name: str
    uscc: str
    address: str
    region_code: str
    region_name: str
    business_type: str
    sub_type: str
    status: str
    longitude: float | None
    latitude: float | None
    rating: RatingOut | None
    updated_at: datetime.datetime


class EstablishmentPage(Schema):
    items: list[EstablishmentOut]
    next: str = Field(description="下一页游标（after 参数）；为空表示已是最后一页")


class EstablishmentFilter(Schema):
    region: str = Field("", max_length=12, pattern=r"^\d*$", description="区划代码（含下级）")
    format: str = Field("", pattern=r"^(" + "|".join(BusinessType.values) + ")?$", description="业态")
    rating: str = Field("", pattern=r"^(excellent|good|average|conform|basic|nonconform)?$", description="等级")
    updated_since: datetime.date | None = Field(None, description="只列此日期后更新的单位，如 2026-11-01")
    after: str = Field("", max_length=20, pattern=r"^\d*$", description="游标：上一页的 next")


@router.get("/establishments", response=EstablishmentPage, summary="食品生产经营单位（按编号游标分页）")
@access(ANYONE)
def establishments(request, f: Query[EstablishmentFilter]):
    rows, nxt = selectors.establishments_page(
        selectors.Filters(region=f.region, business_type=f.format, rating=f.rating, updated_since=f.updated_since),
        after=int(f.after) if f.after else 0, size=rules.value(API_PAGE.code),
    )  # fmt: skip
    return {"items": rows, "next": nxt}


@router.get("/establishments/{pk}", response=EstablishmentOut, summary="一个食品生产经营单位")
@access(ANYONE, objects="public_business")
def establishment(request, pk: Id):
    return selectors.establishment(pk)


class InspectionRatingOut(Schema):
    id: int
    establishment_id: int
    establishment_name: str
    region_code: str
    inspected_on: datetime.date
    outcome: str
    level: str
    published_at: datetime.datetime


class RatingPage(Schema):
    items: list[InspectionRatingOut]
    next: str


class RatingFilter(Schema):
    region: str = Field("", max_length=12, pattern=r"^\d*$", description="区划代码（含下级）")
    after: str = Field("", max_length=20, pattern=r"^\d*$", description="游标：上一页的 next")


@router.get("/ratings", response=RatingPage, summary="已公示的监督检查结果与量化等级（新到旧，游标分页）")
@access(ANYONE)
def ratings(request, f: Query[RatingFilter]):
    rows, nxt = selectors.ratings_page(region=f.region, after=int(f.after) if f.after else 0,
                                       size=rules.value(API_PAGE.code))  # fmt: skip
    return {"items": rows, "next": nxt}


class EditionOut(Schema):
    id: int
    region_code: str
    region_name: str
    number: str
    title: str
    published_at: datetime.datetime | None


class EditionLineOut(Schema):
    board: str
    establishment_id: int
    establishment_name: str
    reason: str


class EditionDetailOut(EditionOut):
    lines: list[EditionLineOut]


def _edition(e) -> dict:
    return {"id": e.pk, "region_code": e.region_id, "region_name": e.region.name, "number": e.number,
            "title": e.title, "published_at": e.published_at}  # fmt: skip


class EditionFilter(Schema):
    region: str = Field("", max_length=12, pattern=r"^\d*$", description="区划代码（含下级）")


@router.get("/editions", response=list[EditionOut], summary="已发布的红黑榜（新到旧，最近 100 期）")
@access(ANYONE)
def editions(request, f: Query[EditionFilter]):
    return [_edition(e) for e in edition_selectors.editions(prefix=f.region)[:100]]


@router.get("/editions/{pk}", response=EditionDetailOut, summary="一期红黑榜及其红榜、黑榜单位")
@access(ANYONE, objects="public_edition")
def edition(request, pk: Id):
    found = edition_selectors.edition(pk)
    lines = [{"board": b, "establishment_id": line["entity_id"], "establishment_name": line["entity"],
              "reason": line["reason"]}
             for b, rows in edition_selectors.boards(found).items() for line in rows]  # fmt: skip
    return {**_edition(found), "lines": lines}
