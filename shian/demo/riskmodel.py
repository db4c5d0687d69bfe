"""The demo's inspection-priority model (docs/riskmodel.md §7): trained on the county's generated history (whose
outcomes come from the hidden process of shian/demo/inspections.py), put in use and scored, so the prioritised list,
the entity pages and the versions page have content; a back-test `BACKTEST_DAYS_AGO` days before today is
returned beside it. Idempotent: a county that already has a model keeps it."""

import datetime

from django.core.exceptions import ValidationError

from shian.regions.models import Region
from shian.riskmodel.models import ModelVersion
from shian.riskmodel.services.backtest import run_backtest
from shian.riskmodel.services.scoring import score_region
from shian.riskmodel.services.training import train_model

BACKTEST_DAYS_AGO = 183  # about six months: the default replay window then ends on today


def load_riskmodel(*, county: Region, today: datetime.date) -> dict:
    """Train, score and back-test on the county; {} when it has a model or too little history to train one."""
    if ModelVersion.objects.filter(region_code=county.code).exists():
        return {}
    try:
        model = train_model(region_code=county.code, cutoff=today)
        scored = score_region(region_code=county.code, today=today)
        backtest = run_backtest(cutoff=today - datetime.timedelta(days=BACKTEST_DAYS_AGO), region_code=county.code)
    except ValidationError as exc:
        return {"skipped": "；".join(exc.messages)}
    return {"model": model.version, "rows": model.rows, "auc": model.auc, "baseline_auc": model.baseline_auc,
            "scored": scored.entities, "backtest": backtest.as_dict()}  # fmt: skip
