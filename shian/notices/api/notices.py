"""Notices over /api/v1/notices (docs/notices.md §4): the scoped list and one notice with its clock, issuing one (to a
township, a department's office or an entity), signing off a draft, delivery, the recipient's reply, the issuer's
review, and the types in force. Every write goes through services, every read through selectors."""

import datetime
from typing import Annotated, Literal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText

from ..models import Notice
from ..selectors import notices as selectors
from ..selectors.types import types_in_force
from ..services import notices as services
from ..views.notices import ISSUERS, READERS, REPLIERS

router = Router(tags=["三书一函"])
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class TypeOut(Schema):
    code: str
    title: str
    grade: int
    reply_days: int = Field(description="答复期限（工作日）")
    doc_prefix: str
    active: bool
    region_prefix: str = Field(description="设置所在区划（空为全国默认）")


class NoticeOut(Schema):
    id: int
    number: str
    type_code: str
    type_title: str
    grade: int
    status: str
    status_label: str
    issuer_region_code: str = Field(..., alias="issuer_region_id")
    region_code: str = Field(..., alias="region_id")
    recipient_kind: str
    recipient_name: str
    department_code: str | None = Field(None, alias="department_id")
    entity_id: int | None
    subject: str
    issued_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
    reply_due: datetime.datetime | None
    overdue: bool
    replied_at: datetime.datetime | None
    replied_on_time: bool | None
    previous_id: int | None

    @staticmethod
    def resolve_type_code(obj):
        return obj.notice_type.code

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue(datetime.datetime.now(datetime.UTC))


class NoticeDetail(NoticeOut):
    facts: str
    requirement: str
    delivery_method: str
    due_rule: dict
    reply_text: str
    reviewed_at: datetime.datetime | None
    review_note: str
    attachments: list[str]

    @staticmethod
    def resolve_attachments(obj):
        return [a.name for a in obj.attachments.order_by("uploaded_at", "pk")]


class NoticeFilter(Schema):
    region: RegionCode | None = None
    type: ShortText = ""
    status: Literal[tuple(Notice.Status.values)] | None = None
    recipient_kind: Literal[tuple(Notice.Recipient.values)] | None = None
    overdue: bool = False
    mine: bool = Field(False, description="只看发给本单位（本乡镇、本部门、本主体）的")
    q: ShortText = ""


class NoticeIn(Schema):
    type_code: _text(30, True)
    recipient_kind: Literal[tuple(Notice.Recipient.values)]
    township_code: RegionCode | None = Field(None, description="收文乡镇（街道）代码")
    department_code: _text(30) = Field("", description="收文部门编码")
    office_code: RegionCode | None = Field(None, description="部门所在区划（不填为发文机关本级）")
    entity_id: IdField | None = None
    subject: _text(200, True)
    facts: _text(5000, True)
    requirement: _text(5000, True)
    issue: bool = Field(True, description="false：仅保存草稿")
    delivery_method: Literal[tuple(Notice.Delivery.values)] | Literal[""] = Field(
        "system", description="签发时即登记送达的方式；空：签发后另行登记送达"
    )


class IssueIn(Schema):
    delivery_method: Literal[tuple(Notice.Delivery.values)] | Literal[""] = "system"


class DeliveryIn(Schema):
    delivery_method: Literal[tuple(Notice.Delivery.values)]
    delivered_at: AwareDatetime | None = None
    note: _text(200) = ""


class ReplyIn(Schema):
    text: _text(5000, True)


class ReviewIn(Schema):
    accept: bool
    note: _text(500) = ""


@router.get("/types", response=list[TypeOut], summary="本区划适用的文书类型（按等级由低到高）")
@access(READERS)
def type_list(request):
    return types_in_force(request.user.region_id or "", active_only=False)


@router.get("/notices", response=list[NoticeOut], summary="三书一函（管辖范围内）")
@access(READERS)
@paginate(Pages)
def notice_list(request, filters: Query[NoticeFilter]):
    return selectors.notice_list(
        user=request.user, region_code=filters.region, type_code=filters.type, status=filters.status or "",
        overdue=filters.overdue, recipient_kind=filters.recipient_kind or "", mine=filters.mine, q=filters.q,
    )  # fmt: skip


@router.get("/notices/{pk}", response=NoticeDetail, summary="文书详情：期限及其规则、答复、审核")
@access(READERS, objects="notice")
def notice_get(request, pk: Id):
    return selectors.notice_get(user=request.user, pk=pk)


@router.post("/notices", response={201: NoticeDetail}, summary="拟制并签发文书（收文对象须在管辖范围内）")
@access(ISSUERS)
def notice_create(request, payload: NoticeIn):
    entity = None
    if payload.recipient_kind == Notice.Recipient.ENTITY:
        entity = selectors.find_entity_by_id(user=request.user, pk=payload.entity_id)
        if entity is None:
            raise Http404
    recipient = services.resolve_recipient(
        actor=request.user, kind=payload.recipient_kind, township_code=payload.township_code or "",
        department_code=payload.department_code, office_code=payload.office_code or "", entity=entity,
    )  # fmt: skip
    notice = services.create_notice(
        actor=request.user, type_code=payload.type_code, recipient=recipient, subject=payload.subject,
        facts=payload.facts, requirement=payload.requirement, issue=payload.issue,
        delivery_method=payload.delivery_method,
    )  # fmt: skip
    return Status(201, notice)


@router.post("/notices/{pk}/issue", response=NoticeDetail, summary="签发草稿（如逾期升级拟制的文书）")
@access(ISSUERS, objects="notice")
def notice_issue(request, pk: Id, payload: IssueIn):
    notice = selectors.notice_get(user=request.user, pk=pk)
    return services.issue_notice(actor=request.user, notice=notice, delivery_method=payload.delivery_method)


@router.post("/notices/{pk}/delivery", response=NoticeDetail, summary="登记送达（答复期限自送达起算）")
@access(ISSUERS, objects="notice")
def notice_deliver(request, pk: Id, payload: DeliveryIn):
    notice = selectors.notice_get(user=request.user, pk=pk)
    return services.deliver(actor=request.user, notice=notice, method=payload.delivery_method,
                            delivered_at=payload.delivered_at, note=payload.note)  # fmt: skip


@router.post("/notices/{pk}/reply", response=NoticeDetail, summary="收文单位答复（附件请在页面上传）")
@access(REPLIERS, objects="notice")
def notice_reply(request, pk: Id, payload: ReplyIn):
    notice = selectors.notice_get(user=request.user, pk=pk)
    return services.reply(actor=request.user, notice=notice, text=payload.text)


@router.post("/notices/{pk}/review", response=NoticeDetail, summary="发文机关审核答复：通过（办结）或退回")
@access(ISSUERS, objects="notice")
def notice_review(request, pk: Id, payload: ReviewIn):
    notice = selectors.notice_get(user=request.user, pk=pk)
    return services.review(actor=request.user, notice=notice, accept=payload.accept, note=payload.note)
