"""红黑榜 editions over /api/v1/lists (docs/lists.md §4), for staff: the scoped list, one edition with its lines
(each with its record's kind and id), the proposed candidates, drafting, lines (add, edit the reason, move, remove),
the workflow (审核, 批准, 发布, 退回, 撤回) and the poster PDF. Every write goes through the services."""

import datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from shian.accounts.models import Role
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode
from shian.reports.documents import attachment

from ..models import Edition, EditionLine
from ..selectors import candidates
from ..selectors import staff as selectors
from ..services import editions as services
from ..services import poster as poster_services
from ..services.common import EDITOR_ROLES

router = Router(tags=["红黑榜"])
EDITORS = EDITOR_ROLES
READERS = EDITOR_ROLES | {Role.AUDITOR}
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class LineOut(Schema):
    id: int
    board: str
    position: int
    entity_id: int
    entity: str
    reason: str
    source_kind: str
    source_id: int

    @staticmethod
    def resolve_entity(obj):
        return obj.entity.name


class EditionOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    number: str
    title: str
    status: str
    status_label: str
    drafted_at: datetime.datetime
    reviewed_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    published_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    window_start: datetime.date | None
    window_end: datetime.date | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class EditionDetail(EditionOut):
    lines: list[LineOut]
    online_path: str

    @staticmethod
    def resolve_lines(obj):
        return list(
            EditionLine.objects.filter(edition=obj).select_related("entity").order_by("board", "position", "pk")
        )

    @staticmethod
    def resolve_online_path(obj):
        return poster_services.online_path(obj)


class CandidateOut(Schema):
    board: str
    entity_id: int
    entity: str
    reason: str
    source_kind: str
    source_id: int
    on: datetime.date | None


class EditionFilter(Schema):
    region: RegionCode | None = None
    status: Literal[tuple(Edition.Status.values)] | None = None


class EditionIn(Schema):
    region_code: RegionCode
    title: _text(200) = ""


class LineIn(Schema):
    source_kind: Literal[tuple(candidates.SOURCE_KINDS)]
    source_id: IdField
    reason: _text(300, True)


class LineChangeIn(Schema):
    reason: _text(300) | None = None
    move: Literal["up", "down"] | None = None


class WorkflowIn(Schema):
    do: Literal["review", "approve", "publish", "send_back", "withdraw"]
    reason: _text(300) = Field("", description="退回、撤回时必填")


@router.get("/editions", response=list[EditionOut], summary="红黑榜（管辖范围内）")
@access(READERS)
@paginate(Pages)
def edition_list(request, filters: Query[EditionFilter]):
    return selectors.edition_list(user=request.user, region_code=filters.region, status=filters.status or "")


@router.get("/editions/{pk}", response=EditionDetail, summary="一期红黑榜及其条目（每条注明来源记录）")
@access(READERS, objects="edition")
def edition_get(request, pk: Id):
    return selectors.edition_get(user=request.user, pk=pk)


@router.get("/editions/{pk}/candidates", response=list[CandidateOut], summary="根据记录推荐的候选条目（草稿）")
@access(EDITORS, objects="edition")
def edition_candidates(request, pk: Id):
    edition = selectors.edition_get(user=request.user, pk=pk)
    if edition.status != Edition.Status.DRAFT:
        return []
    proposed = candidates.propose(edition)
    return [c for rows in proposed.values() for c in rows]


@router.post("/editions", response={201: EditionDetail}, summary="起草一期红黑榜（县级及以上区划）")
@access(EDITORS)
def edition_create(request, payload: EditionIn):
    edition = services.create(actor=request.user, region_code=payload.region_code, title=payload.title)
    return Status(201, selectors.edition_get(user=request.user, pk=edition.pk))


@router.post("/editions/{pk}/lines", response={201: LineOut}, summary="从来源记录添加条目（榜单由记录决定）")
@access(EDITORS, objects="edition")
def line_add(request, pk: Id, payload: LineIn):
    edition = selectors.edition_get(user=request.user, pk=pk)
    line = services.add_line(actor=request.user, edition=edition, source_kind=payload.source_kind,
                             source_id=payload.source_id, reason=payload.reason)  # fmt: skip
    return Status(201, line)


@router.patch("/lines/{pk}", response=LineOut, summary="修改上榜理由或调整顺序（草稿）")
@access(EDITORS, objects="edition_line")
def line_change(request, pk: Id, payload: LineChangeIn):
    line = selectors.line_get(user=request.user, pk=pk)
    if payload.reason is not None:
        line = services.update_line(actor=request.user, line=line, reason=payload.reason)
    if payload.move:
        line = services.move_line(actor=request.user, line=line, up=payload.move == "up")
    return line


@router.delete("/lines/{pk}", response={204: None}, summary="删除条目（草稿）")
@access(EDITORS, objects="edition_line")
def line_remove(request, pk: Id):
    services.remove_line(actor=request.user, line=selectors.line_get(user=request.user, pk=pk))
    return Status(204, None)


@router.post("/editions/{pk}/workflow", response=EditionDetail,
             summary="审核、批准（两名不同人员，均非起草人）、发布、退回、撤回")  # fmt: skip
@access(EDITORS, objects="edition")
def edition_workflow(request, pk: Id, payload: WorkflowIn):
    edition = selectors.edition_get(user=request.user, pk=pk)
    act = {"review": services.review, "approve": services.approve, "publish": services.publish,
           "send_back": services.send_back, "withdraw": services.withdraw}[payload.do]  # fmt: skip
    extra = {"reason": payload.reason} if payload.do in ("send_back", "withdraw") else {}
    act(actor=request.user, edition=edition, **extra)
    return selectors.edition_get(user=request.user, pk=pk)


@router.get("/editions/{pk}/poster", summary="张贴海报（A3 PDF；须已批准或已发布）")
@access(EDITORS, objects="edition")
def edition_poster(request, pk: Id):
    edition = selectors.edition_get(user=request.user, pk=pk)
    url = request.build_absolute_uri(poster_services.online_path(edition))
    name, data = poster_services.poster(actor=request.user, edition=edition, online_url=url)
    return attachment(name, data)
