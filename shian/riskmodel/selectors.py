"""What the pages, the API and other apps read of the risk model (docs/riskmodel.md §5): the model in use (the
quarterly consultation report's model section reads `current_model`), the versions, a station's prioritised list
and one entity's score with its reasons, every read scoped to the user's jurisdiction."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows
from shian.core.regioncodes import COUNTY, ancestor
from shian.entities.models import Entity
from shian.inspections.models import RiskBand, current_grade

from .features import LABELS
from .models import EntityScore, ModelVersion


@dataclass(frozen=True)
class ModelSummary:
    """The model in use: its version label, when and up to which cut-off it was trained, on how many rows, with
    which features, and its held-out AUC beside the current plan's ordering (baseline)."""

    version: str
    trained_at: datetime.datetime
    cutoff: datetime.date
    rows: int
    features: tuple[str, ...]
    auc: float
    baseline_auc: float


def current_model() -> ModelSummary | None:
    """The model in use, or None while no model has been trained."""
    model = ModelVersion.objects.filter(in_use=True).first()
    if model is None:
        return None
    return ModelSummary(model.version, model.trained_at, model.cutoff, model.rows, tuple(model.features), model.auc,
                        model.baseline_auc)  # fmt: skip


def versions() -> QuerySet[ModelVersion]:
    return ModelVersion.objects.select_related("trained_by").defer("means", "scales")


def model_in_use() -> ModelVersion | None:
    return ModelVersion.objects.filter(in_use=True).first()


def priority_list(*, user, region_code: str | None = None) -> QuerySet[EntityScore]:
    """The in-use model's scores of the entities the user may see, highest probability first."""
    qs = EntityScore.objects.filter(model__in_use=True).select_related("entity", "region")
    qs = narrow_to(scope_entity_rows(qs, user), region_code)
    return qs.order_by("-probability", "entity_id")


def bands_of(entity_ids) -> dict[int, str]:
    """Current risk bands with their words (风险 A = lowest risk), '' for an ungraded entity."""
    rows = Entity.objects.filter(pk__in=list(entity_ids)).annotate(g=current_grade()).values_list("pk", "g__band")
    return {pk: str(RiskBand(band).label) if band else "" for pk, band in rows}


def reasons_with_labels(reasons) -> list[dict]:
    return [{"code": code, "label": LABELS.get(code, code), "contribution": value} for code, value in reasons]


def entity_score(*, user, entity_id: int) -> dict:
    """One entity (404 outside the user's reach) and its score under the model in use (None when not scored)."""
    entity = get_entity_row(Entity.objects.select_related("region"), user, entity_field="pk", pk=entity_id)
    score = EntityScore.objects.filter(model__in_use=True, entity_id=entity.pk).select_related("model").first()
    return {
        "entity": entity,
        "score": score,
        "reasons": reasons_with_labels(score.reasons) if score else [],
        "band": bands_of([entity.pk]).get(entity.pk, ""),
        "model": score.model if score else model_in_use(),
    }


def entity_panel(*, user, entity: Entity) -> dict | None:
    """The entity page's panel (docs/riskmodel.md §5): the entity's score under the model in use, its top reasons
    in words, its risk band and its rank among the scored entities of that band in its county that the user may
    see; None when the entity is not scored or not in the user's reach."""
    score = (scope_entity_rows(EntityScore.objects.filter(model__in_use=True, entity_id=entity.pk), user)
             .select_related("model").first())  # fmt: skip
    if score is None:
        return None
    band = Entity.objects.filter(pk=entity.pk).annotate(g=current_grade()).values_list("g__band", flat=True).first()
    peers = Entity.objects.annotate(g=current_grade()).filter(
        **{"g__band": band} if band else {"g__band__isnull": True}
    )
    same = narrow_to(scope_entity_rows(EntityScore.objects.filter(model_id=score.model_id, entity__in=peers), user),
                     ancestor(score.region_id, COUNTY) or score.region_id)  # fmt: skip
    return {
        "score": score,
        "reasons": reasons_with_labels(score.reasons),
        "band": str(RiskBand(band).label) if band else "",
        "rank": same.filter(probability__gt=score.probability).count() + 1,
        "of": same.count(),
    }


def probabilities(entity_ids: list[int]) -> dict[int, float]:
    """The in-use model's probabilities of these entities: the plan's weight within a band (inspections.priority)."""
    return scores_in_use(entity_ids)[1]


def scores_in_use(entity_ids: list[int]) -> tuple[str | None, dict[int, float]]:
    """The model in use (its version label) and its probabilities of these entities, read with one model lookup so
    both belong to the same version: a score-weighted draw records the version (inspections.priority)."""
    out: dict[int, float] = {}
    model = ModelVersion.objects.filter(in_use=True).values_list("pk", "version").first()
    if model is None:  # no model in use: one query, not one per chunk of a province's entities
        return None, out
    if not entity_ids:
        return model[1], out
    # one range scan of the (model, entity) index, kept to the asked ids: a draw's or a plan's ids are mostly a
    # dense range (one region's entities), and 100k ids read 5,000 at a time by IN (...) took seconds
    # (read by a plain cursor without Django's per-row conversion: the two plain columns need none, and at 100k
    # rows that conversion was most of the read; a server-side cursor plans for the first rows and was slower)
    wanted = set(entity_ids)
    query = (
        EntityScore.objects.filter(model_id=model[0], entity_id__gte=min(wanted), entity_id__lte=max(wanted))
        .order_by()
        .values_list("entity_id", "probability")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20_000):
            out.update((eid, p) for eid, p in rows if eid in wanted)
    return model[1], out
