"""The rule store over the API: every rule's value in force and versions, one rule's history, a new version."""

import datetime

from ninja import Query, Router, Schema, Status

from shian.core.access import access
from shian.core.api_types import RegionCode, ShortText, Text

from . import ruleversions
from .current_region import current_region_code

router = Router(tags=["规则"])


class VersionOut(Schema):
    region_prefix: str
    version: int
    amount: int
    unit: str
    valid_from: datetime.date
    source: str
    reason: str


class InForceOut(Schema):
    value: int
    unit: str
    version: int
    region_prefix: str
    valid_from: datetime.date
    source: str
    is_default: bool


class RuleOut(Schema):
    code: str
    name: str
    default: int
    unit: str
    in_force: InForceOut
    versions: list[VersionOut]


class RegionFilter(Schema):
    region: RegionCode | None = None


class VersionIn(Schema):
    region_code: RegionCode | None = None
    amount: int
    valid_from: datetime.date
    reason: Text
    source: Text = ""
    confirm_past: bool = False


def _out(line: ruleversions.RuleLine) -> dict:
    d = line.definition
    return {"code": d.code, "name": d.name, "default": d.default, "unit": d.unit, "in_force": line.in_force.as_dict(),
            "versions": line.versions}  # fmt: skip


def _region(request, asked: str | None) -> str:
    return asked if asked is not None else (current_region_code(request) or "")


@router.get("", response=list[RuleOut], summary="规则列表（现行数值与版本）")
@access(perm="core.view_rules")
def rule_list(request, filters: Query[RegionFilter]):
    region = _region(request, filters.region)
    return [_out(line) for line in ruleversions.rule_overview(user=request.user, region_code=region)]


@router.get("/{code}", response=RuleOut, summary="规则版本记录")
@access(perm="core.view_rules", objects="rule")
def rule_get(request, code: ShortText, filters: Query[RegionFilter]):
    region = _region(request, filters.region)
    return _out(ruleversions.rule_history(user=request.user, code=code, region_code=region))


@router.post("/{code}/versions", response={201: VersionOut}, summary="新增规则版本")
@access(perm="core.edit_rules", objects="rule")
def rule_add_version(request, code: ShortText, payload: VersionIn):
    data = payload.dict()
    data["region_code"] = data["region_code"] or ""
    return Status(201, ruleversions.add_rule_version(actor=request.user, code=code, **data))
