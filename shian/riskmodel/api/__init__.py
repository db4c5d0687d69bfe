"""The inspection-priority model over /api/v1/riskmodel (docs/riskmodel.md §5): the prioritised list, one entity's
score with its reasons, the model versions. Reads only, through selectors; no person's data is returned."""

import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from shian.accounts.access import STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.api_types import Id, Pages, RegionCode

from .. import selectors

router = Router(tags=["检查优先级模型"])
READERS = STATION | {Role.AUDITOR}


class ReasonOut(Schema):
    code: str
    label: str
    contribution: float


class ScoreOut(Schema):
    entity_id: int
    entity_name: str
    region_code: str
    probability: float
    model: str
    reasons: list[ReasonOut]
    scored_at: datetime.datetime

    @staticmethod
    def resolve_entity_name(obj):
        return obj.entity.name

    @staticmethod
    def resolve_region_code(obj):
        return obj.region_id

    @staticmethod
    def resolve_model(obj):
        return obj.model.version

    @staticmethod
    def resolve_reasons(obj):
        return selectors.reasons_with_labels(obj.reasons)


class EntityScoreOut(Schema):
    entity_id: int
    entity_name: str
    risk_band: str
    score: ScoreOut | None


class VersionOut(Schema):
    version: str
    region_code: str
    cutoff: datetime.date
    rows: int
    positives: int
    features: list[str]
    auc: float
    baseline_auc: float
    metrics: dict
    trained_at: datetime.datetime
    in_use: bool


class ListFilter(Schema):
    region: RegionCode | None = None


@router.get("/scores", response=list[ScoreOut], summary="检查优先级：管辖范围内主体按预测不符合概率由高到低")
@access(READERS)
@paginate(Pages)
def score_list(request, filters: Query[ListFilter]):
    return selectors.priority_list(user=request.user, region_code=filters.region).select_related("model")


@router.get("/scores/{entity_id}", response=EntityScoreOut, summary="一个主体的预测概率及主要因素")
@access(READERS, objects="entity_id")
def score_get(request, entity_id: Id):
    data = selectors.entity_score(user=request.user, entity_id=entity_id)
    return {"entity_id": data["entity"].pk, "entity_name": data["entity"].name, "risk_band": data["band"],
            "score": data["score"]}  # fmt: skip


@router.get("/models", response=list[VersionOut], summary="模型版本（在用版本 in_use=true）")
@access(READERS)
def model_list(request):
    return list(selectors.versions())
