"""Trace over /api/v1/trace (docs/trace.md §6): products, batches (with their code and trace), chain events (POST with
an `Idempotency-Key` header: a repeat returns the first event with 200 and writes nothing), recalls and a holder's
confirmation. Every write goes through services, every read through selectors."""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import ENTERPRISE, SIGNED_IN, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText

from .. import codes
from ..models import EventKind, Recall
from ..selectors import catalog as selectors
from ..selectors import recalls as recall_selectors
from ..selectors.trace import downstream
from ..services import catalog as services
from ..services import events as event_services
from ..services import recalls as recall_services

router = Router(tags=["追溯与召回"])
WRITERS = STATION | ENTERPRISE
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class ProductOut(Schema):
    id: int
    producer_id: int
    producer_name: str
    region_code: str = Field(..., alias="region_id")
    category: str
    name: str
    spec: str
    unit: str
    gtin: str

    @staticmethod
    def resolve_producer_name(obj):
        return obj.producer.name

    @staticmethod
    def resolve_category(obj):
        return obj.category.code


class ProductIn(Schema):
    producer_id: IdField | None = Field(None, description="生产经营者（企业用户不填，即本单位）")
    name: _text(200, True)
    category: _text(30) = "general"
    spec: _text(100) = ""
    unit: _text(10) = ""
    gtin: _text(14) = Field("", description="GS1 商品条码（8/12/13/14 位，校验位须正确）")


class BatchOut(Schema):
    id: int
    product_id: int
    product_name: str
    producer_id: int
    batch_number: str
    produced_on: datetime.date
    quantity: int
    code: str | None = Field(None, description="有效追溯码（公开查询地址的最后一段）")

    @staticmethod
    def resolve_product_name(obj):
        return obj.product.name

    @staticmethod
    def resolve_code(obj):
        found = services.active_code(obj)
        return codes.sign(found.token) if found else None


class BatchIn(Schema):
    product_id: IdField
    batch_number: _text(60, True)
    produced_on: datetime.date
    quantity: int = Field(..., ge=1, le=10**12)


class HolderOut(Schema):
    entity_id: int
    received: int
    sent: int
    held: int


class TraceOut(Schema):
    batch_id: int
    holders: list[HolderOut]
    quantity: int = Field(description="全部持有者现持有数量之和")


class EventOut(Schema):
    id: int
    batch_id: int
    kind: str
    from_entity_id: int | None
    to_entity_id: int | None
    quantity: int
    occurred_at: datetime.datetime
    attributes: dict
    counted: bool
    confirms_id: int | None


class EventIn(Schema):
    code: _text(300) = Field("", description="追溯码（或扫码得到的网址）；与 batch_id 二选一")
    batch_id: IdField | None = None
    kind: Literal[tuple(k for k in EventKind.values if k != EventKind.PRODUCED)]
    from_entity_id: IdField | None = Field(None, description="交出方（销售、零售时企业用户不填，即本单位）")
    to_entity_id: IdField | None = Field(None, description="接收方（收货、摊位进货时企业用户不填，即本单位）")
    quantity: int = Field(..., ge=1, le=10**12)
    occurred_at: AwareDatetime | None = None
    attributes: dict[str, _text(100)] = Field(default_factory=dict, description="按产品类别定义的附加字段")


class RecallOut(Schema):
    id: int
    number: str
    kind: str
    level: int
    status: str
    producer_id: int
    reason: str
    learned_at: datetime.datetime
    announced_at: datetime.datetime
    start_due: datetime.datetime
    started_on_time: bool
    finish_due: datetime.datetime
    completed_at: datetime.datetime | None
    batch_ids: list[int]
    holders: int
    confirmed: int

    @staticmethod
    def resolve_batch_ids(obj):
        return list(obj.batches.values_list("pk", flat=True))

    @staticmethod
    def resolve_holders(obj):
        return obj.notices.count()

    @staticmethod
    def resolve_confirmed(obj):
        return obj.notices.filter(confirmed_at__isnull=False).count()


class RecallIn(Schema):
    batch_ids: list[IdField] = Field(..., min_length=1, max_length=100)
    kind: Literal[tuple(Recall.Kind.values)]
    level: Literal[1, 2, 3]
    reason: _text(500, True)
    learned_at: AwareDatetime | None = None


class ConfirmIn(Schema):
    entity_id: IdField | None = Field(None, description="持有者（企业用户不填，即本单位）")
    removed_quantity: int | None = Field(None, ge=0, le=10**12)
    note: _text(300) = ""


class ListFilter(Schema):
    region: RegionCode | None = None
    q: ShortText = ""


def _entity(request, pk):
    if pk is None:
        return selectors.own_entity(request.user) if request.user.role == Role.ENTERPRISE else None
    found = selectors.find_business(str(pk))
    if found is None:
        raise ValidationError({"entity": [_("经营单位 %(pk)s 不存在。") % {"pk": pk}]})
    return found


@router.get("/products", response=list[ProductOut], summary="追溯产品（本单位或管辖范围内）")
@access(SIGNED_IN)
@paginate(Pages)
def product_list(request, filters: Query[ListFilter]):
    return selectors.products(user=request.user, region_code=filters.region, q=filters.q)


@router.post("/products", response={201: ProductOut}, summary="登记产品")
@access(WRITERS)
def product_create(request, payload: ProductIn):
    producer = _entity(request, payload.producer_id)
    if producer is None:
        raise ValidationError({"producer_id": [_("请填写生产经营者。")]})
    product = services.create_product(actor=request.user, producer=producer, name=payload.name,
                                      category_code=payload.category, spec=payload.spec, unit=payload.unit,
                                      gtin=payload.gtin)  # fmt: skip
    return Status(201, product)


@router.get("/batches", response=list[BatchOut], summary="批次（本单位生产或经手的；管辖范围内的）")
@access(SIGNED_IN)
@paginate(Pages)
def batch_list(request, filters: Query[ListFilter]):
    return selectors.batches(user=request.user, region_code=filters.region, q=filters.q)


@router.post("/batches", response={201: BatchOut}, summary="登记批次并生成追溯码")
@access(WRITERS)
def batch_create(request, payload: BatchIn):
    product = selectors.product_get(user=request.user, pk=payload.product_id)
    batch = services.create_batch(actor=request.user, product=product, batch_number=payload.batch_number,
                                  produced_on=payload.produced_on, quantity=payload.quantity)  # fmt: skip
    return Status(201, batch)


@router.get("/batches/{pk}", response=BatchOut, summary="批次及其有效追溯码")
@access(SIGNED_IN, objects="trace_batch")
def batch_get(request, pk: Id):
    return selectors.batch_get(user=request.user, pk=pk)


@router.get("/batches/{pk}/trace", response=TraceOut, summary="批次的全部下游持有者及现持有数量")
@access(SIGNED_IN, objects="trace_batch")
def batch_trace(request, pk: Id):
    batch = selectors.batch_get(user=request.user, pk=pk)
    holders = downstream([batch.pk])
    rows = [{"entity_id": h.entity_id, "received": h.received, "sent": h.sent, "held": h.held} for h in holders]
    return {"batch_id": batch.pk, "holders": rows, "quantity": sum(h.held for h in holders)}


@router.get("/batches/{pk}/events", response=list[EventOut], summary="批次的流通记录")
@access(SIGNED_IN, objects="trace_batch")
@paginate(Pages)
def event_list(request, pk: Id):
    return selectors.events(selectors.batch_get(user=request.user, pk=pk))


@router.post("/events", response={200: EventOut, 201: EventOut},
             summary="录入一次交接（Idempotency-Key 请求头：重复提交返回第一次的结果，不重复记录）")  # fmt: skip
@access(WRITERS)
def event_create(request, payload: EventIn, idempotency_key: Annotated[str, Header(alias="Idempotency-Key")] = ""):
    if payload.code:
        batch = selectors.batch_by_code(user=request.user, code=payload.code)
    elif payload.batch_id:
        batch = selectors.batch_get(user=request.user, pk=payload.batch_id)
    else:
        raise ValidationError({"code": [_("请填写追溯码或批次。")]})
    giver = payload.kind in event_services.GIVER_KINDS
    from_entity = _entity(request, payload.from_entity_id) if giver or payload.from_entity_id else None
    to_entity = _entity(request, payload.to_entity_id) if (not giver or payload.to_entity_id) else None
    if payload.kind == EventKind.RETAIL_SOLD and payload.to_entity_id is None:
        to_entity = None
    event, created = event_services.record_event(
        actor=request.user, batch=batch, kind=payload.kind, from_entity=from_entity, to_entity=to_entity,
        quantity=payload.quantity, occurred_at=payload.occurred_at, attributes=payload.attributes, source="api",
        idempotency_key=idempotency_key[:200],
    )  # fmt: skip
    return Status(201 if created else 200, event)


@router.get("/recalls", response=list[RecallOut], summary="召回（本单位的、通知到本单位的；管辖范围内的）")
@access(SIGNED_IN)
@paginate(Pages)
def recall_list(request, filters: Query[ListFilter]):
    return recall_selectors.recalls(user=request.user, region_code=filters.region)


@router.get("/recalls/{pk}", response=RecallOut, summary="召回详情")
@access(SIGNED_IN, objects="trace_recall")
def recall_get(request, pk: Id):
    return recall_selectors.recall_get(user=request.user, pk=pk)


@router.post("/recalls", response={201: RecallOut}, summary="发起召回（计算全部下游持有者并通知）")
@access(WRITERS)
def recall_create(request, payload: RecallIn):
    batches = [selectors.batch_get(user=request.user, pk=pk) for pk in dict.fromkeys(payload.batch_ids)]
    recall = recall_services.start_recall(actor=request.user, batches=batches, kind=payload.kind,
                                          level=payload.level, reason=payload.reason, learned_at=payload.learned_at)  # fmt: skip
    return Status(201, recall)


@router.post("/recalls/{pk}/confirm", response=RecallOut, summary="持有者确认下架（从未持有的单位不能确认）")
@access(WRITERS, objects="trace_recall")
def recall_confirm(request, pk: Id, payload: ConfirmIn):
    recall = recall_selectors.recall_get(user=request.user, pk=pk)
    entity = _entity(request, payload.entity_id)
    if entity is None:
        raise ValidationError({"entity_id": [_("请填写确认下架的经营单位。")]})
    recall_services.confirm_removal(actor=request.user, recall=recall, entity=entity,
                                    removed_quantity=payload.removed_quantity, note=payload.note)  # fmt: skip
    return recall_selectors.recall_get(user=request.user, pk=pk)
