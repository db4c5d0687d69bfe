"""The serious-dishonesty list and joint punishment over /api/v1/lists (docs/lists.md §4): entries in the user's
reach (an enterprise account: its own business's), listing from a decided case, repair applications and their
review, revocation; joint-punishment flags (the match masked) and their handling."""

import datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from shian.accounts.models import Role
from shian.cases.selectors.cases import case_get
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText

from ..models import DishonestyEntry, JointFlag
from ..selectors import staff as selectors
from ..services import dishonesty as services
from ..services import joint as joint_services
from ..services.common import EDITOR_ROLES

router = Router(tags=["严重违法失信名单"])
EDITORS = EDITOR_ROLES
READERS = EDITOR_ROLES | {Role.AUDITOR, Role.ENTERPRISE}
FLAG_READERS = EDITOR_ROLES | {Role.AUDITOR}
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class RepairOut(Schema):
    id: int
    status: str
    statement: str
    applied_at: datetime.datetime
    reviewed_at: datetime.datetime | None
    review_note: str


class EntryOut(Schema):
    id: int
    entity_id: int
    entity: str
    case_id: int
    case_number: str
    legal_basis: str
    listed_on: datetime.date
    ends_on: datetime.date
    status: str
    status_label: str
    removed_on: datetime.date | None

    @staticmethod
    def resolve_entity(obj):
        return obj.entity.name

    @staticmethod
    def resolve_case_number(obj):
        return obj.case.number

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class EntryDetail(EntryOut):
    repairs: list[RepairOut]

    @staticmethod
    def resolve_repairs(obj):
        return list(obj.repairs.order_by("-applied_at", "-pk"))


class EntryFilter(Schema):
    region: RegionCode | None = None
    status: Literal[tuple(DishonestyEntry.Status.values)] | None = None
    q: ShortText = ""


class EntryIn(Schema):
    case_id: IdField | None = Field(None, description="已作出处罚决定的案件；缺少则拒绝")
    legal_basis: _text(300) = Field("", description="不填则取案件的法律依据")


class RepairIn(Schema):
    statement: _text(5000, True)


class ReviewIn(Schema):
    approve: bool
    note: _text(300, True)


class RevokeIn(Schema):
    reason: _text(300, True)


class FlagOut(Schema):
    id: int
    kind: str
    kind_label: str
    entity_id: int
    entity: str
    listed_entry_id: int = Field(..., alias="entry_id")
    match: str = Field(..., alias="masked", description="已脱敏")
    status: str
    created_at: datetime.datetime
    note: str

    @staticmethod
    def resolve_entity(obj):
        return obj.entity.name

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class FlagFilter(Schema):
    region: RegionCode | None = None
    status: Literal[tuple(JointFlag.Status.values)] | None = None


class HandleIn(Schema):
    note: _text(300, True)


@router.get("/dishonesty", response=list[EntryOut], summary="严重违法失信名单（管辖范围内；企业账号仅本主体）")
@access(READERS)
@paginate(Pages)
def entry_list(request, filters: Query[EntryFilter]):
    return selectors.entry_list(user=request.user, region_code=filters.region, status=filters.status or "",
                                q=filters.q)  # fmt: skip


@router.get("/dishonesty/{pk}", response=EntryDetail, summary="名单条目及其信用修复申请")
@access(READERS, objects="dishonesty_entry")
def entry_get(request, pk: Id):
    return selectors.entry_get(user=request.user, pk=pk)


@router.post("/dishonesty", response={201: EntryDetail}, summary="依据案件处理决定列入（无处理决定则拒绝）")
@access(EDITORS)
def entry_create(request, payload: EntryIn):
    case = case_get(user=request.user, pk=payload.case_id) if payload.case_id else None
    entry = services.list_from_case(actor=request.user, case=case, legal_basis=payload.legal_basis)
    return Status(201, selectors.entry_get(user=request.user, pk=entry.pk))


@router.post(
    "/dishonesty/{pk}/repairs", response={201: RepairOut}, summary="申请信用修复（本主体企业账号或监管人员代为申请）"
)
@access(EDITORS | {Role.ENTERPRISE}, objects="dishonesty_entry")
def repair_apply(request, pk: Id, payload: RepairIn):
    entry = selectors.entry_get(user=request.user, pk=pk)
    return Status(201, services.apply_repair(actor=request.user, entry=entry, statement=payload.statement))


@router.post("/repairs/{pk}/review", response=RepairOut, summary="审核信用修复申请（准予则提前移出）")
@access(EDITORS, objects="repair")
def repair_review(request, pk: Id, payload: ReviewIn):
    app = selectors.repair_get(user=request.user, pk=pk)
    return services.review_repair(actor=request.user, application=app, approve=payload.approve, note=payload.note)


@router.post("/dishonesty/{pk}/revoke", response=EntryDetail, summary="撤销列入")
@access(EDITORS, objects="dishonesty_entry")
def entry_revoke(request, pk: Id, payload: RevokeIn):
    entry = selectors.entry_get(user=request.user, pk=pk)
    services.revoke(actor=request.user, entry=entry, reason=payload.reason)
    return selectors.entry_get(user=request.user, pk=pk)


@router.get("/flags", response=list[FlagOut], summary="联合惩戒提示（匹配标识已脱敏）")
@access(FLAG_READERS)
@paginate(Pages)
def flag_list(request, filters: Query[FlagFilter]):
    return selectors.flag_list(user=request.user, region_code=filters.region, status=filters.status or "")


@router.post("/flags/{pk}/handle", response=FlagOut, summary="登记联合惩戒提示的核查处理情况")
@access(EDITORS, objects="joint_flag")
def flag_handle(request, pk: Id, payload: HandleIn):
    flag = selectors.flag_get(user=request.user, pk=pk)
    return joint_services.handle(actor=request.user, flag=flag, note=payload.note)
