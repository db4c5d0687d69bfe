"""Training a model version (docs/riskmodel.md §2–§4): rows are the signed inspections before the cut-off, each
with its features as of its own date and the label "≥1 重点项不符合"; a time-split holdout (the last
`riskmodel.holdout_days` before the cut-off) measures AUC beside the plan's ordering; the stored model is then fitted
on every row and becomes the version in use. Any refusal writes nothing and leaves the model in use as it was."""

import datetime
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shian.core import audit, rules
from shian.core.jurisdiction import require_in_scope

from .. import features, fitting, history
from ..models import ModelVersion
from ..ruledefs import DAYS_CAP, DUTY_WINDOW_DAYS, HOLDOUT_DAYS, MIN_POSITIVES, WINDOW_DAYS


@dataclass
class Settings:
    """The rule numbers the features read, resolved once for a region and day."""

    window: int
    duty_window: int
    days_cap: int

    @classmethod
    def of(cls, region_code: str, on: datetime.date) -> "Settings":
        return cls(rules.value(WINDOW_DAYS.code, region_code, on), rules.value(DUTY_WINDOW_DAYS.code, region_code, on),
                   rules.value(DAYS_CAP.code, region_code, on))  # fmt: skip

    def matrix(self, h, ent, day) -> np.ndarray:
        return features.compute(h, ent, day, window=self.window, duty_window=self.duty_window, days_cap=self.days_cap)


def labelled_rows(h: features.History, before: int, since: int = 0):
    """(entities, days, labels) of the inspections dated in [since, before) (day ordinals)."""
    ins = h.inspections
    mask = (ins.day < before) & (ins.day >= since)
    return ins.entity[mask], ins.day[mask], (ins.value[mask] > 0).astype(np.int64)


def fit_before(h, cutoff: datetime.date, region_code: str, conf: Settings) -> tuple[fitting.Params, dict]:
    """Fit on the rows before `cutoff` and measure on its holdout; the checks of the brief's bad input."""
    ent, day, y = labelled_rows(h, cutoff.toordinal())
    if not len(y):
        raise ValidationError(f"截止日期 {cutoff} 之前没有检查记录，无法训练模型。")
    need = rules.value(MIN_POSITIVES.code, region_code, cutoff)
    if int(y.sum()) < need:
        raise ValidationError(
            f"截止日期 {cutoff} 之前只有 {int(y.sum())} 次检查发现重点项不符合，少于训练所需的 {need} 次"
            f"（规则 {MIN_POSITIVES.code}），模型未训练，在用模型不变。"
        )
    X = conf.matrix(h, ent, day)
    split = (cutoff - datetime.timedelta(days=rules.value(HOLDOUT_DAYS.code, region_code, cutoff))).toordinal()
    train, test = day < split, day >= split
    if len(set(y[train])) < 2 or len(set(y[test])) < 2:
        raise ValidationError(
            f"留出期（{datetime.date.fromordinal(split)} 至 {cutoff}）之前或之内缺少重点项不符合或符合的检查，"
            "无法评估模型，在用模型不变。"
        )
    held = fitting.fit(X[train], y[train])
    metrics = {
        "holdout_from": datetime.date.fromordinal(split).isoformat(),
        "train_rows": int(train.sum()), "holdout_rows": int(test.sum()),
        "holdout_positives": int(y[test].sum()),
        "auc": round(fitting.auc(y[test], fitting.probability(held, X[test])), 4),
        "baseline_auc": round(fitting.auc(y[test], fitting.baseline_score(X[test])), 4),
    }  # fmt: skip
    return fitting.fit(X, y), {**metrics, "rows": len(y), "positives": int(y.sum())}


def train_model(*, actor=None, region_code: str = "", cutoff: datetime.date | None = None) -> ModelVersion:
    """Train, store and put in use a new version (audited `riskmodel.train`)."""
    if actor is not None:
        require_in_scope(actor, region_code)
    cutoff = cutoff or timezone.localdate()
    conf = Settings.of(region_code, cutoff)
    params, metrics = fit_before(history.load(region_code), cutoff, region_code, conf)
    with transaction.atomic():
        number = (ModelVersion.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        ModelVersion.objects.filter(in_use=True).update(in_use=False)
        model = ModelVersion.objects.create(
            version=f"v{number}", region_code=region_code, cutoff=cutoff, features=params.features,
            means=params.means, scales=params.scales, coefficients=params.coefficients, intercept=params.intercept,
            rows=metrics["rows"], positives=metrics["positives"], auc=metrics["auc"],
            baseline_auc=metrics["baseline_auc"], metrics=metrics, trained_by=actor if actor else None,
            trained_at=timezone.now(), in_use=True,
        )  # fmt: skip
        audit.record(actor=actor, action="riskmodel.train", obj=model, region_code=region_code,
                     after={"version": model.version, "cutoff": cutoff.isoformat(), **metrics})  # fmt: skip
    return model


def params_of(model: ModelVersion) -> fitting.Params:
    return fitting.Params(list(model.features), model.means, model.scales, model.coefficients, model.intercept)
