"""The enterprise's duties for apps and mini-programs: status, the three records, and completion figures."""

import datetime
from typing import Literal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from shian.accounts.access import ENTERPRISE, REGULATORS
from shian.core import ruleversions
from shian.core.access import access
from shian.core.api_types import RegionCode, Text
from shian.core.current_region import current_region_code
from shian.core.permissions import require_perm

from . import selectors, services
from .models import StaffingPolicy

router = Router(tags=["企业主体责任"])

Short = Field(max_length=300, pattern=r"^[^\x00]*$")
Long = Field(max_length=4000, pattern=r"^[^\x00]*$")


def _own(request):
    entity = selectors.own_entity(user=request.user)
    if entity is None:
        raise Http404
    return entity


class IssueIn(Schema):
    area: str = Field(max_length=100, pattern=r"^[^\x00]*$")
    issue: str = Short
    fix: str = Field("", max_length=300, pattern=r"^[^\x00]*$")


class DailyIn(Schema):
    day: datetime.date | None = None
    issues: list[IssueIn] = Field(default_factory=list, max_length=20)


class DailyOut(Schema):
    id: int
    day: datetime.date
    all_clear: bool
    issues: list[dict]
    checker_name: str


class WeeklyIn(Schema):
    week: datetime.date
    conclusion: str = Field(max_length=2000, pattern=r"^[^\x00]*$")
    findings: str = Field("", max_length=2000, pattern=r"^[^\x00]*$")
    measures: str = Field("", max_length=2000, pattern=r"^[^\x00]*$")


class WeeklyOut(Schema):
    id: int
    week: datetime.date
    days_checked: int
    issues_found: int
    conclusion: str


class MonthlyIn(Schema):
    held_on: datetime.date
    attendees: str = Short
    issues: str = Long
    decisions: str = Long
    chair: str = Field("", max_length=50, pattern=r"^[^\x00]*$")


class MonthlyOut(Schema):
    id: int
    month: datetime.date
    held_on: datetime.date
    chair: str


class StatusOut(Schema):
    entity_id: int
    today_done: bool
    days_30: int
    issues_30: int
    weekly_done: bool
    monthly_done: bool
    needs_director: list[str]
    has_director: bool
    has_officer: bool


@router.get("/status", response=StatusOut, summary="本单位今日、本周、本月的主体责任落实情况（企业账号）")
@access(ENTERPRISE)
def status(request):
    entity = _own(request)
    s = selectors.entity_status(entity=entity)
    return {
        "entity_id": entity.pk, "today_done": s["today"] is not None, "days_30": s["days_30"],
        "issues_30": s["issues_30"], "weekly_done": s["weekly"] is not None, "monthly_done": s["monthly"] is not None,
        "needs_director": s["needs_director"], "has_director": s["has_director"], "has_officer": s["has_officer"],
    }  # fmt: skip


@router.post("/daily", response={201: DailyOut}, summary="日管控：无问题即零风险报告，或逐条记录问题和整改")
@access(ENTERPRISE)
def daily(request, payload: DailyIn):
    issues = [i.dict() for i in payload.issues]
    return Status(
        201, services.record_daily_check(actor=request.user, entity=_own(request), day=payload.day, issues=issues)
    )


@router.post("/weekly", response={201: WeeklyOut}, summary="周排查报告（按周一开始的自然周）")
@access(ENTERPRISE)
def weekly(request, payload: WeeklyIn):
    return Status(201, services.submit_weekly_report(actor=request.user, entity=_own(request), **payload.dict()))


@router.post("/monthly", response={201: MonthlyOut}, summary="月调度会议纪要")
@access(ENTERPRISE)
def monthly(request, payload: MonthlyIn):
    return Status(201, services.hold_monthly_meeting(actor=request.user, entity=_own(request), **payload.dict()))


class RateOut(Schema):
    key: str
    entities: int
    daily: int
    weekly: int
    monthly: int
    daily_rate: float | None
    weekly_rate: float | None
    monthly_rate: float | None


class CompletionOut(Schema):
    month: datetime.date
    days: int
    weeks: int
    total: RateOut
    rows: list[RateOut]


class CompletionFilter(Schema):
    region: RegionCode | None = None
    month: datetime.date = Field(description="月份中的任一天，如 2026-11-01")
    by: Literal["area", "grade", "type"] = Field("area", description="area 下级区划，grade 包保等级，type 业态")


@router.get("/completion", response=CompletionOut, summary="日管控/周排查/月调度完成率（按下级区划、等级、业态）")
@access(REGULATORS)
def completion(request, filters: Query[CompletionFilter]):
    require_perm(request.user, "duties.view_oversight")
    region = filters.region or request.user.region_id
    return selectors.completion(user=request.user, region_code=region, month=filters.month, by=filters.by)


# -- the staffing policy (issue 18 item 7) -----------------------------------------------------------------------


class StaffingPolicyOut(Schema):
    id: int
    region_id: str | None
    version: int
    valid_from: datetime.date
    director_rules: list
    note: str


class StaffingPolicyHistoryOut(Schema):
    in_force: StaffingPolicyOut | None
    versions: list[StaffingPolicyOut]


class PolicyRegion(Schema):
    region: RegionCode | None = None


class StaffingPolicyIn(Schema):
    region_code: RegionCode | None = None
    valid_from: datetime.date
    reason: Text
    director_rules: list
    confirm_past: bool = False


@router.get("/staffing-policy", response=StaffingPolicyHistoryOut, summary="人员配备规则（现行版本与版本记录）")
@access(perm="core.view_rules")
def staffing_policy_get(request, filters: Query[PolicyRegion]):
    region = filters.region if filters.region is not None else (current_region_code(request) or "")
    in_force, versions = ruleversions.policy_versions(
        user=request.user, qs=StaffingPolicy.objects.all(), region_code=region
    )
    return {"in_force": in_force, "versions": versions}


@router.post("/staffing-policy/versions", response={201: StaffingPolicyOut}, summary="新增人员配备规则版本")
@access(perm="core.edit_rules")
def staffing_policy_add_version(request, payload: StaffingPolicyIn):
    return Status(201, services.add_staffing_policy_version(actor=request.user, **payload.dict()))
