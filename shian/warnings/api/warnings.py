"""Risk warnings over /api/v1/warnings (docs/warnings.md §4): the list and counts by level and region, one warning
with its evidence, its steps, the rules with their versions (editing adds a version), and the quarterly risk
consultation of a county (§5) as figures or as its document."""

import datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from shian.accounts.access import ADMINS, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.api_types import Id, Pages, RegionCode
from shian.reports.documents import attachment

from .. import documents
from ..selectors import consultation as consultation_selectors
from ..selectors import warnings as selectors
from ..services import rules as rule_services
from ..services import steps

router = Router()
READERS = STATION | {Role.AUDITOR}
Code = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]


class WarningOut(Schema):
    id: int
    rule_code: str
    rule_version: int
    level: str
    state: str
    label: str
    scope_key: str
    region_code: str = Field(..., alias="region_id")
    office_code: str = Field(..., alias="office_id")
    station_id: int | None
    entity_id: int | None
    hits: int
    evidence: list[dict]
    links: list[dict]
    raised_at: datetime.datetime
    last_seen_at: datetime.datetime
    step_due: datetime.datetime | None
    overdue_at: datetime.datetime | None
    escalated_to: str
    finding: str

    @staticmethod
    def resolve_rule_version(obj):
        return obj.rule.version


class WarningFilter(Schema):
    region: RegionCode | None = None
    level: Literal["", "blue", "yellow", "orange", "red"] = ""
    state: Literal["open", "all", "raised", "acknowledged", "investigating", "closed"] = "open"


@router.get("/warnings", response=list[WarningOut], summary="风险预警（管辖范围内）")
@access(READERS)
@paginate(Pages)
def warning_list(request, filters: Query[WarningFilter]):
    return selectors.warning_list(user=request.user, region_code=filters.region, level=filters.level,
                                  state=filters.state).select_related("rule")  # fmt: skip


class RegionCount(Schema):
    region_code: str
    name: str
    levels: dict[str, int]
    total: int


class SummaryOut(Schema):
    total: dict[str, int]
    regions: list[RegionCount]


class SummaryFilter(Schema):
    region: RegionCode | None = None


@router.get("/summary", response=SummaryOut, summary="未办结预警按等级、下一级区划计数（下钻）")
@access(READERS)
def warning_summary(request, filters: Query[SummaryFilter]):
    counts = selectors.level_counts(user=request.user, region_code=filters.region)
    return {"total": counts["total"], "regions": [
        {"region_code": c, "name": n, "levels": lv, "total": t} for c, n, lv, t in counts["regions"]]}  # fmt: skip


@router.get("/warnings/{pk}", response=WarningOut, summary="风险预警详情（含触发记录）")
@access(READERS, objects="risk_warning")
def warning_get(request, pk: Id):
    return selectors.warning_get(user=request.user, pk=pk)


class StepIn(Schema):
    action: Literal["acknowledge", "investigate", "close"]
    finding: Annotated[str, StringConstraints(max_length=steps.MAX_FINDING)] = ""


@router.post("/warnings/{pk}/steps", response=WarningOut, summary="签收、启动核查或办结风险预警")
@access(STATION, objects="risk_warning")
def warning_step(request, pk: Id, payload: StepIn):
    warning = selectors.warning_get(user=request.user, pk=pk)
    if payload.action == "acknowledge":
        steps.acknowledge(actor=request.user, warning=warning)
    elif payload.action == "investigate":
        steps.investigate(actor=request.user, warning=warning)
    else:
        steps.close(actor=request.user, warning=warning, finding=payload.finding)
    return selectors.warning_get(user=request.user, pk=pk)


class LinkIn(Schema):
    kind: Literal["inspection_task", "inspection", "sample", "case"]
    record_id: int = Field(..., ge=1)


@router.post("/warnings/{pk}/links", response=WarningOut, summary="关联核查引起的检查、抽检或案件")
@access(STATION, objects="risk_warning")
def warning_link(request, pk: Id, payload: LinkIn):
    warning = selectors.warning_get(user=request.user, pk=pk)
    steps.link(actor=request.user, warning=warning, kind=payload.kind, pk=payload.record_id)
    return selectors.warning_get(user=request.user, pk=pk)


class RuleOut(Schema):
    code: str
    version: int
    name: str
    kind: str
    level: str
    scope: str
    window_days: int
    params: dict
    source: str
    active: bool
    is_current: bool
    created_at: datetime.datetime


@router.get("/rules", response=list[RuleOut], summary="预警规则（现行版本）")
@access(READERS)
def rule_list(request):
    return list(selectors.rule_list())


class RuleIn(Schema):
    level: Literal["blue", "yellow", "orange", "red"] | None = None
    window_days: int | None = None
    params: dict | None = None
    active: bool | None = None


@router.post("/rules/{code}", response=RuleOut, summary="修改预警规则（生成新版本）")
@access(ADMINS, objects="warning_rule")
def rule_edit(request, code: Code, payload: RuleIn):
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    return rule_services.edit_rule(actor=request.user, code=code, changes=changes)


class ConsultationQuery(Schema):
    region: Annotated[str, StringConstraints(max_length=12)] = Field(..., description="县（区）区划代码")
    quarter: Annotated[str, StringConstraints(max_length=10)] = Field(..., description="季度，如 2026Q3")


class RankRow(Schema):
    key: str
    name: str
    counts: dict[str, int]
    total: int


class OnTimeOut(Schema):
    on_time: int
    late: int
    pending: int
    rate: float | None


class FocusOut(Schema):
    text: str
    reason: str


class ConsultationOut(Schema):
    headline: dict
    kinds: list[dict]
    ack: OnTimeOut
    closure: OnTimeOut
    townships: list[RankRow]
    business_types: list[RankRow]
    food_categories: list[RankRow]
    model: dict | None
    focus: list[FocusOut]


def _rows(rows):
    return [{"key": r.key, "name": r.name, "counts": r.counts, "total": r.total} for r in rows]


def _tally(t):
    return {"on_time": t.on_time, "late": t.late, "pending": t.pending, "rate": t.rate}


@router.get(
    "/consultation", response=ConsultationOut, summary="季度风险会商：县（区）某季度的预警、风险集中情况和下季度重点"
)
@access(READERS)
def consultation(request, filters: Query[ConsultationQuery]):
    c = consultation_selectors.consultation(user=request.user, region_code=filters.region, quarter=filters.quarter)
    m = c.model
    return {
        "headline": c.headline(),
        "kinds": [{"kind": k, "label": label, "raised": r, "closed": cl} for k, label, r, cl in c.kinds],
        "ack": _tally(c.ack), "closure": _tally(c.closure), "townships": _rows(c.townships),
        "business_types": _rows(c.business_types), "food_categories": _rows(c.food_categories),
        "model": None if m is None else {"version": m.version, "auc": m.auc, "baseline_auc": m.baseline_auc,
                                         "rows": m.rows, "cutoff": m.cutoff.isoformat()},
        "focus": [{"text": f.text, "reason": f.reason} for f in c.focus],
    }  # fmt: skip


class DocumentQuery(ConsultationQuery):
    format: Literal["docx", "pdf"] = "docx"


@router.get("/consultation/document", summary="下载季度风险会商报告（Word 或 PDF）")
@access(READERS)
def consultation_document(request, filters: Query[DocumentQuery]):
    c = consultation_selectors.consultation(user=request.user, region_code=filters.region, quarter=filters.quarter)
    return attachment(*documents.render(c, filters.format))
