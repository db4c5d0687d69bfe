"""Complaints and reports over /api/v1/complaints (docs/complaints.md §5): the scoped list (kind, status, overdue,
region filters), one item with its clock and transfers, the clerk's entry, every step of the clock, transfers; and,
without login, the public form and the lookup. The informant is masked in every answer (never in clear here)."""

import datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import ANYONE, STATION
from shian.core import phonecodes
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText
from shian.core.masking import mask_phone

from ..models import Category, Complaint
from ..selectors import complaints as selectors
from ..services import clock, intake
from ..services import public as public_services

router = Router(tags=["投诉举报"])
READERS = selectors.READER_ROLES
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class ComplaintOut(Schema):
    id: int
    number: str
    kind: str
    channel: str
    source_number: str
    category: str
    region_code: str = Field(..., alias="region_id")
    station_id: int | None
    entity_id: int | None
    match: str
    entity_name: str
    status: str
    status_label: str
    in_transfer: bool
    received_at: datetime.datetime
    due_at: datetime.datetime | None
    overdue: bool
    duplicate_of_id: int | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj):
        return obj.due_at is not None and obj.due_at < datetime.datetime.now(datetime.UTC)


class TransferOut(Schema):
    from_region: str = Field(..., alias="from_region_id")
    to_region: str = Field(..., alias="to_region_id")
    reason: str
    sent_at: datetime.datetime
    received_at: datetime.datetime | None


class ComplaintDetail(ComplaintOut):
    facts: str
    entity_uscc: str
    entity_address: str
    anonymous: bool
    informant: str
    phone: str
    clock_started_at: datetime.datetime | None
    accept_due: datetime.datetime | None
    accepted_at: datetime.datetime | None
    mediation_due: datetime.datetime | None
    mediation_result: str
    check_due: datetime.datetime | None
    extended_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    filed: bool | None
    case_number: str
    notify_due: datetime.datetime | None
    told_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    result: str
    due_rules: dict
    late_steps: list[str]
    transfers: list[TransferOut]

    @staticmethod
    def resolve_informant(obj):
        name = obj.informant_name
        return name[:1] + "*" * (len(name) - 1) if name else ""

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_transfers(obj):
        return list(selectors.transfers(obj))


class ComplaintFilter(Schema):
    region: RegionCode | None = None
    kind: Literal[tuple(Complaint.Kind.values)] | None = None
    status: Literal[(*Complaint.Status.values, "open", "transfer")] | None = None
    overdue: Literal[selectors.OVERDUE_FILTERS] | None = None
    channel: Literal[tuple(Complaint.Channel.values)] | None = None
    match: Literal[tuple(Complaint.Match.values)] | None = None
    q: ShortText = ""


class ComplaintIn(Schema):
    kind: Literal[tuple(Complaint.Kind.values)]
    channel: Literal[tuple(v for v in Complaint.Channel.values if v != "portal")]
    category: Literal[tuple(Category.values)]
    facts: _text(2000, True)
    received_at: AwareDatetime
    entity_id: IdField | None = Field(None, description="已知主体（给出时按其所在乡镇分派）")
    entity_name: _text(200) = ""
    entity_uscc: _text(18) = ""
    entity_address: _text(300) = ""
    anonymous: bool = False
    informant_name: _text(50) = ""
    phone: _text(20) = ""
    id_number: _text(18) = ""


class AtIn(Schema):
    at: AwareDatetime | None = Field(None, description="办理时间，默认现在")


class ReasonIn(AtIn):
    reason: _text(300, True)


class MediateIn(AtIn):
    result: Literal[tuple(Complaint.Mediation.values)]
    note: _text(2000) = ""


class DecideIn(AtIn):
    filed: bool
    case_number: _text(40) = ""
    note: _text(2000) = ""


class ExtendIn(Schema):
    approver_id: IdField | None = Field(None, description="批准延期的管理员（必填：未经批准不得延期）")
    reason: _text(300, True)


class NoteIn(AtIn):
    note: _text(500) = ""


class CloseIn(Schema):
    result: _text(2000, True)


class TransferIn(Schema):
    to_region: RegionCode
    reason: _text(300, True)


class MatchIn(Schema):
    entity_id: IdField | None = Field(None, description="确认的主体；不填表示不是建议的主体")


class PublicIn(Schema):
    county: RegionCode
    kind: Literal[tuple(Complaint.Kind.values)]
    category: Literal[tuple(Category.values)]
    facts: _text(2000, True)
    entity_name: _text(200) = ""
    entity_address: _text(300) = ""
    anonymous: bool = False
    informant_name: _text(50) = ""
    phone: _text(20) = ""
    code: _text(8) = Field("", description="短信验证码（留名投诉举报必填，先调用 /public/code 获取）")


class PhoneIn(Schema):
    phone: _text(20)


class CodeOut(Schema):
    minutes: int


class ReceiptOut(Schema):
    number: str
    lookup_code: str


class PublicStatusOut(Schema):
    number: str
    kind: str
    received_on: datetime.date
    status: str
    accepted_on: datetime.date | None
    decided_on: datetime.date | None
    closed_on: datetime.date | None


class LookupIn(Schema):
    number: ShortText
    code: Annotated[str, StringConstraints(max_length=8, pattern=NoNul)]


class TwoStepPages(Pages):
    """Pages of ids first, then the rows of the page (selectors.complaints.rows_of)."""

    def paginate_queryset(self, queryset, pagination, request=None, **params):
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        ids = queryset.values_list("pk", flat=True)[offset : offset + limit]
        return {self.items_attribute: selectors.rows_of(queryset, ids), "count": self._items_count(queryset)}


@router.get("/items", response=list[ComplaintOut], summary="投诉举报（管辖范围内）")
@access(READERS)
@paginate(TwoStepPages)
def complaint_list(request, filters: Query[ComplaintFilter]):
    return selectors.complaint_list(
        user=request.user, region_code=filters.region, kind=filters.kind or "", status=filters.status or "",
        overdue=filters.overdue or "", channel=filters.channel or "", match=filters.match or "", q=filters.q,
    )  # fmt: skip


@router.get("/items/{pk}", response=ComplaintDetail, summary="投诉举报详情：各环节期限及其规则、转办记录（举报人脱敏）")
@access(READERS, objects="complaint")
def complaint_get(request, pk: Id):
    return selectors.complaint_get(user=request.user, pk=pk)


@router.post("/items", response={201: ComplaintDetail}, summary="登记投诉举报（电话、来访等），按主体所在乡镇分派")
@access(STATION)
def complaint_create(request, payload: ComplaintIn):
    item = intake.receive(actor=request.user, **payload.dict())
    return Status(201, selectors.complaint_get(user=request.user, pk=item.pk))


def _step(request, pk: int, run):
    item = selectors.complaint_get(user=request.user, pk=pk)
    run(item)
    return selectors.complaint_get(user=request.user, pk=pk)


@router.post("/items/{pk}/accept", response=ComplaintDetail, summary="受理投诉（开始计算调解期限）")
@access(STATION, objects="complaint")
def complaint_accept(request, pk: Id, payload: AtIn):
    return _step(request, pk, lambda i: clock.accept(actor=request.user, complaint=i, at=payload.at))


@router.post("/items/{pk}/refuse", response=ComplaintDetail, summary="不予受理投诉")
@access(STATION, objects="complaint")
def complaint_refuse(request, pk: Id, payload: ReasonIn):
    return _step(request, pk, lambda i: clock.refuse(actor=request.user, complaint=i, reason=payload.reason,
                                                     at=payload.at))  # fmt: skip


@router.post("/items/{pk}/mediate", response=ComplaintDetail, summary="登记调解结果（调解终结）")
@access(STATION, objects="complaint")
def complaint_mediate(request, pk: Id, payload: MediateIn):
    return _step(request, pk, lambda i: clock.mediate(actor=request.user, complaint=i, result=payload.result,
                                                      note=payload.note, at=payload.at))  # fmt: skip


@router.post("/items/{pk}/decide", response=ComplaintDetail, summary="举报处理决定（立案或不予立案）")
@access(STATION, objects="complaint")
def complaint_decide(request, pk: Id, payload: DecideIn):
    return _step(request, pk, lambda i: clock.decide(actor=request.user, complaint=i, filed=payload.filed,
                                                     case_number=payload.case_number, note=payload.note,
                                                     at=payload.at))  # fmt: skip


@router.post("/items/{pk}/extend", response=ComplaintDetail, summary="举报核查经批准延期（须指定批准人）")
@access(STATION, objects="complaint")
def complaint_extend(request, pk: Id, payload: ExtendIn):
    return _step(request, pk, lambda i: clock.extend(actor=request.user, complaint=i, approver_id=payload.approver_id,
                                                     reason=payload.reason))  # fmt: skip


@router.post("/items/{pk}/tell", response=ComplaintDetail, summary="已告知实名举报人")
@access(STATION, objects="complaint")
def complaint_tell(request, pk: Id, payload: NoteIn):
    return _step(request, pk, lambda i: clock.tell(actor=request.user, complaint=i, note=payload.note, at=payload.at))


@router.post("/items/{pk}/close", response=ComplaintDetail, summary="办结")
@access(STATION, objects="complaint")
def complaint_close(request, pk: Id, payload: CloseIn):
    return _step(request, pk, lambda i: clock.close(actor=request.user, complaint=i, result=payload.result))


@router.post("/items/{pk}/transfer", response=ComplaintDetail, summary="转办到本省其他单位（期限自对方签收起算）")
@access(STATION, objects="complaint")
def complaint_transfer(request, pk: Id, payload: TransferIn):
    item = selectors.complaint_get(user=request.user, pk=pk)
    clock.transfer(actor=request.user, complaint=item, to_region=payload.to_region, reason=payload.reason)
    item.refresh_from_db()
    return item  # the receiving office's now, maybe outside the sender's jurisdiction


@router.post("/items/{pk}/receive", response=ComplaintDetail, summary="签收转办件（本单位期限开始计算）")
@access(STATION, objects="complaint")
def complaint_receive(request, pk: Id, payload: AtIn):
    return _step(request, pk, lambda i: clock.receive_transfer(actor=request.user, complaint=i, at=payload.at))


@router.post("/items/{pk}/match", response=ComplaintDetail, summary="确认或否定被投诉举报主体（模糊匹配）")
@access(STATION, objects="complaint")
def complaint_match(request, pk: Id, payload: MatchIn):
    return _step(request, pk, lambda i: clock.confirm_match(actor=request.user, complaint=i,
                                                            entity_id=payload.entity_id))  # fmt: skip


@router.post("/public", response={201: ReceiptOut}, auth=None, summary="网上投诉举报（无需登录；同一地址限次）")
@access(ANYONE)
def public_submit(request, payload: PublicIn):
    try:
        item = public_services.submit_public(**payload.dict())
    except public_services.TooManyItems as exc:
        raise HttpError(429, exc.messages[0]) from exc
    return Status(201, item)


@router.post("/public/code", response=CodeOut, auth=None, summary="获取短信验证码（同一号码、同一地址限次）")
@access(ANYONE)
def public_code(request, payload: PhoneIn):
    try:
        minutes = public_services.send_phone_code(phone=payload.phone)
    except phonecodes.TooManyCodes as exc:
        raise HttpError(429, exc.messages[0]) from exc
    return {"minutes": minutes}


@router.post("/public/lookup", response={200: PublicStatusOut, 404: dict}, auth=None,
             summary="办理进度查询：受理编号＋查询码（只显示状态）")  # fmt: skip
@access(ANYONE)
def public_lookup(request, payload: LookupIn):
    item = selectors.lookup(number=payload.number, code=payload.code)
    if item is None:
        return Status(404, {"detail": "没有找到：请核对受理编号和查询码。"})
    return selectors.public_status(item)
