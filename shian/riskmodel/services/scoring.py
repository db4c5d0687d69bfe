"""Scoring (docs/riskmodel.md §5): every operating entity under a region gets its probability under the model in
use, computed with numpy over the feature columns as of today, and its three strongest reasons; the region's
previous scores of that model are replaced in one transaction (rows written by core.bulk: COPY on PostgreSQL)."""

import datetime
import json
import time
from dataclasses import asdict, dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from shian.core import audit, bulk
from shian.core.jurisdiction import narrow_to, require_in_scope
from shian.entities.models import Entity

from .. import features, fitting, history
from ..models import EntityScore, ModelVersion
from .training import Settings, params_of

TOP = 3  # reasons kept per entity


@dataclass
class ScoreRun:
    model: str
    entities: int
    mean_probability: float
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


def model_in_use() -> ModelVersion:
    model = ModelVersion.objects.filter(in_use=True).first()
    if model is None:
        raise ValidationError("还没有在用的模型：请先运行 python manage.py train_risk_model。")
    if tuple(model.features) != features.CODES:
        missing = sorted(set(features.CODES) - set(model.features))
        extra = sorted(set(model.features) - set(features.CODES))
        raise ValidationError(
            f"在用模型 {model.version} 的特征与当前特征代码不一致（缺少：{'、'.join(missing) or '无'}；"
            f"多出：{'、'.join(extra) or '无'}；或顺序不同），请重新训练后再评分。"
        )
    return model


def reason_texts(parts: np.ndarray, codes) -> list[str]:
    """Each row's TOP features adding most to its log-odds (only those that add: a reason raises the risk), as the
    JSON text stored in `EntityScore.reasons` ([[code, contribution], ...]): the ordering and rounding are done on
    whole columns and only the text is built per row, since at a province's million entities a list and a
    `json.dumps` per row cost more than the scoring itself."""
    order = np.argsort(-parts, axis=1)[:, :TOP]
    top = np.take_along_axis(parts, order, axis=1)
    names = [json.dumps(code, ensure_ascii=False) for code in codes]
    return [
        "[" + ", ".join(f"[{names[j]}, {v}]" for j, v, up in zip(js, vs, ups, strict=True) if up) + "]"
        for js, vs, ups in zip(order.tolist(), np.round(top, 3).tolist(), (top > 0).tolist(), strict=True)
    ]


def score_region(*, actor=None, region_code: str = "", today: datetime.date | None = None) -> ScoreRun:
    """Score the operating entities under `region_code` (audited `riskmodel.score`)."""
    if actor is not None:
        require_in_scope(actor, region_code)
    started = time.monotonic()
    model = model_in_use()
    p = params_of(model)
    today = today or timezone.localdate()
    rows = list(narrow_to(Entity.objects.filter(status=Entity.Status.OPERATING), region_code)
                .order_by("pk").values_list("pk", "region_id"))  # fmt: skip
    ent = np.asarray([r[0] for r in rows], dtype=np.int64)
    X = Settings.of(region_code, today).matrix(history.load(region_code), ent, np.full(len(ent), today.toordinal()))
    parts = fitting.contributions(p, X)
    prob = fitting.probability_of(p, parts)
    why = reason_texts(parts, p.features)
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    out = [(model.pk, e, region, pr, w, stamp) for (e, region), pr, w in zip(rows, prob.tolist(), why, strict=True)]
    with transaction.atomic():
        narrow_to(EntityScore.objects.all(), region_code).delete()  # older models' scores go too
        bulk.insert_rows(EntityScore, ["model_id", "entity_id", "region_id", "probability", "reasons", "scored_at"],
                         out)  # fmt: skip
        run = ScoreRun(model.version, len(out), round(float(prob.mean()), 4) if len(out) else 0.0,
                       round(time.monotonic() - started, 2))  # fmt: skip
        audit.record(actor=actor, action="riskmodel.score", obj=model, region_code=region_code, after=run.as_dict())
    return run
