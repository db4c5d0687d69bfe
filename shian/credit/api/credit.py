"""Credit over /api/v1/credit (docs/credit.md §5): ratings, one entity's file, correction requests (submitted by the
entity's own users, reviewed by the station), liability-insurance policies. Every write goes through services, every
read through selectors; no person's name, phone or ID number is returned."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from shian.accounts.access import ENTERPRISE, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText

from ..models import Band, CorrectionRequest, ItemKind
from ..selectors import files as selectors
from ..selectors import lists
from ..services import corrections, insurance, recompute

router = Router(tags=["信用档案"])
STAFF_READERS = STATION | {Role.AUDITOR}
FILE_READERS = STAFF_READERS | ENTERPRISE
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class RatingOut(Schema):
    entity_id: int
    entity_name: str
    region_code: str
    band: str
    points: Decimal
    events: list[dict]
    computed_at: datetime.datetime

    @staticmethod
    def resolve_entity_name(obj):
        return obj.entity.name

    @staticmethod
    def resolve_region_code(obj):
        return obj.entity.region_id


class RatingFilter(Schema):
    region: RegionCode | None = None
    band: Literal[tuple(Band.values)] | None = None
    q: ShortText = ""


class FileOut(Schema):
    entity_id: int
    name: str
    region_code: str
    rating: dict | None
    sections: dict


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "_meta"):  # a model row (the catering year grade)
        return {"year": value.year, "grade": value.grade} if hasattr(value, "grade") else str(value)
    return str(value) if value.__class__.__name__ == "__proxy__" else value


SECTIONS = ("licences", "problems", "duties", "inspections", "samples", "complaints", "penalties", "listings",
            "insurance")  # fmt: skip


class CorrectionIn(Schema):
    kind: Literal[tuple(k for k in ItemKind.values if k != ItemKind.DUTY)]
    record_id: IdField
    reason: _text(2000, True)


class CorrectionOut(Schema):
    id: int
    entity_id: int
    kind: str
    record_id: int
    record_text: str
    reason: str
    status: str
    submitted_at: datetime.datetime
    reviewed_at: datetime.datetime | None
    note: str


class CorrectionFilter(Schema):
    region: RegionCode | None = None
    status: Literal[tuple(CorrectionRequest.Status.values)] | None = None


class ReviewIn(Schema):
    decision: Literal["accept", "reject"]
    note: _text(500, True)


class PolicyIn(Schema):
    entity_id: IdField
    insurer: _text(100, True)
    number: _text(60, True)
    starts_on: datetime.date
    ends_on: datetime.date
    cover: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


class PolicyOut(Schema):
    id: int
    entity_id: int
    region_code: str = Field(..., alias="region_id")
    insurer: str
    number: str
    starts_on: datetime.date
    ends_on: datetime.date
    cover: Decimal
    source: str


class PolicyFilter(Schema):
    region: RegionCode | None = None
    expiring: bool = False
    q: ShortText = ""


class RecomputeOut(Schema):
    changed: int


@router.get("/ratings", response=list[RatingOut], summary="信用等级（管辖范围内，分数由低到高）")
@access(STAFF_READERS)
@paginate(Pages)
def rating_list(request, filters: Query[RatingFilter]):
    return selectors.rating_list(user=request.user, region_code=filters.region, band=filters.band or "", q=filters.q)


@router.get("/files/{entity_id}", response=FileOut, summary="信用档案：由各模块记录生成，含信用等级及其计分事件")
@access(FILE_READERS, objects="entity_id")
def file_get(request, entity_id: Id):
    found = selectors.credit_file(user=request.user, entity_id=entity_id)
    entity, rating = found["entity"], found["rating"]
    return {
        "entity_id": entity.pk, "name": entity.name, "region_code": entity.region_id,
        "rating": None if rating is None else {"band": rating.band, "points": str(rating.points),
                                               "events": rating.events, "computed_at": rating.computed_at.isoformat()},
        "sections": {key: _plain(found[key]) for key in SECTIONS},
    }  # fmt: skip


@router.post("/files/{entity_id}/corrections", response={201: CorrectionOut},
             summary="对本单位信用档案中的一条记录提出更正申请（仅本单位企业用户）")  # fmt: skip
@access(ENTERPRISE, objects="entity_id")
def correction_submit(request, entity_id: Id, payload: CorrectionIn):
    item = corrections.submit_correction(actor=request.user, entity_id=entity_id, kind=payload.kind,
                                         record_id=payload.record_id, reason=payload.reason)  # fmt: skip
    return Status(201, item)


@router.post("/files/{entity_id}/recompute", response=RecomputeOut, summary="立即重新计算该主体的信用等级")
@access(STATION, objects="entity_id")
def file_recompute(request, entity_id: Id):
    entity = selectors.credit_file(user=request.user, entity_id=entity_id)["entity"]
    return {"changed": recompute.recompute_entities([entity.pk], trigger="manual", actor=request.user)}


@router.get("/corrections", response=list[CorrectionOut], summary="更正申请（管辖范围内）")
@access(STAFF_READERS)
@paginate(Pages)
def correction_list(request, filters: Query[CorrectionFilter]):
    return lists.correction_list(user=request.user, region_code=filters.region, status=filters.status or "")


@router.get("/corrections/{pk}", response=CorrectionOut, summary="一件更正申请")
@access(FILE_READERS, objects="credit_correction")
def correction_get(request, pk: Id):
    return lists.correction_get(user=request.user, pk=pk)


@router.post(
    "/corrections/{pk}/review", response=CorrectionOut, summary="审核更正申请：采纳（已在原模块更正）或不予采纳"
)
@access(STATION, objects="credit_correction")
def correction_review(request, pk: Id, payload: ReviewIn):
    return corrections.review_correction(actor=request.user, pk=pk, accept=payload.decision == "accept",
                                         note=payload.note)  # fmt: skip


@router.get("/policies", response=list[PolicyOut], summary="食品安全责任保险保单（管辖范围内）")
@access(STAFF_READERS)
@paginate(Pages)
def policy_list(request, filters: Query[PolicyFilter]):
    return lists.policy_list(user=request.user, region_code=filters.region, q=filters.q, ending=filters.expiring)


@router.post("/policies", response={201: PolicyOut}, summary="登记一份保单")
@access(STATION)
def policy_add(request, payload: PolicyIn):
    policy = insurance.add_policy(actor=request.user, **payload.dict())
    return Status(201, policy)
