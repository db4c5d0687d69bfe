"""Risk warnings over /api/v1/warnings (docs/warnings.md §4): the list and counts by level and region, one warning
with its evidence, its steps, and the rules with their versions (editing adds a version)."""

import datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from shian.accounts.access import ADMINS, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.api_types import Id, Pages, RegionCode

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
