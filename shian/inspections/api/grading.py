"""Risk grading over /api/v1/inspections/risk (docs/inspections.md §2): the current grades of the jurisdiction, one
entity's grade with its factors, a manual adjustment and its lifting, and a grading run for a county or below."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from shian.accounts.access import REGULATORS, STATION
from shian.core.access import access
from shian.core.api_types import Id, Pages, RegionCode, ShortText, Text
from shian.core.jurisdiction import scope_prefix
from shian.core.regioncodes import COUNTY, level_of

from ..models import RiskGrade
from ..selectors import grading as selectors
from ..services import grading as services

router = Router(tags=["监督检查"])


class GradeOut(Schema):
    entity_id: int
    entity_name: str
    region_code: str
    band: str
    band_label: str
    computed_band: str
    computed_band_label: str
    manual: bool
    reason: str
    static_score: Decimal
    dynamic_score: Decimal
    credit_score: Decimal
    total: Decimal
    variant: str
    scheme_version: int
    trigger: str
    graded_at: datetime.datetime

    @staticmethod
    def resolve_entity_name(obj):
        return obj.entity.name

    @staticmethod
    def resolve_region_code(obj):
        return obj.entity.region_id

    @staticmethod
    def resolve_band_label(obj):
        return selectors.band_label(obj.band)

    @staticmethod
    def resolve_computed_band_label(obj):
        return selectors.band_label(obj.computed_band)

    @staticmethod
    def resolve_variant(obj):
        return obj.scheme.variant

    @staticmethod
    def resolve_scheme_version(obj):
        return obj.scheme.version


class GradeDetail(GradeOut):
    factors: list[dict]


class GradeFilter(Schema):
    region: RegionCode | None = None
    band: ShortText = ""
    sub_type: ShortText = ""
    manual: ShortText = ""
    q: ShortText = ""


class AdjustIn(Schema):
    band: ShortText
    reason: Text = ""


class LiftIn(Schema):
    reason: Text = ""


class RunIn(Schema):
    region: RegionCode | None = None


class RunOut(Schema):
    entities: int
    graded: int
    bands: dict[str, int]
    seconds: float


def _current(user, entity_id: int) -> RiskGrade:
    _entity, current, _history = selectors.entity_grade(user=user, entity_id=entity_id)
    if current is None:
        raise ValidationError(_("该主体尚未评定风险等级。"))
    return current


@router.get("/risk/grades", response=list[GradeOut], summary="风险等级评定结果（现行）")
@access(REGULATORS)
@paginate(Pages)
def grade_list(request, filters: Query[GradeFilter]):
    data = filters.dict()
    return selectors.grade_list(user=request.user, region_code=data.pop("region"), **data)


@router.get("/risk/grades/{entity_id}", response=GradeDetail, summary="主体风险等级及计分项")
@access(REGULATORS, objects="entity_id")
def grade_get(request, entity_id: Id):
    return _current(request.user, entity_id)


@router.post("/risk/grades/{entity_id}/adjust", response=GradeDetail, summary="人工调整风险等级（须填写理由）")
@access(STATION, objects="entity_id")
def grade_adjust(request, entity_id: Id, payload: AdjustIn):
    services.adjust_grade(actor=request.user, entity_id=entity_id, band=payload.band, reason=payload.reason)
    return _current(request.user, entity_id)


@router.post("/risk/grades/{entity_id}/lift", response=GradeDetail, summary="取消人工调整，恢复计算等级")
@access(STATION, objects="entity_id")
def grade_lift(request, entity_id: Id, payload: LiftIn):
    services.lift_adjustment(actor=request.user, entity_id=entity_id, reason=payload.reason)
    return _current(request.user, entity_id)


@router.post("/risk/run", response=RunOut, summary="按现行评分表评定县（区）及以下区划的风险等级")
@access(STATION)
def grade_run(request, payload: RunIn):
    code = payload.region or scope_prefix(request.user) or ""
    if (level_of(code) or 0) < COUNTY:
        raise ValidationError({"region": [_("请指定县（区）或乡镇的区划代码；市级和省级请使用命令 grade_risk。")]})
    return services.grade_region(actor=request.user, region_code=code, trigger="api").as_dict()
