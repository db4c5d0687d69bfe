"""Recurring jobs of the risk model (shian.core.schedule; docs/riskmodel.md §5), imported from RiskModelConfig.ready():
the nightly re-score with the model in use, so the list follows each day's records (nothing without a model)."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

from .ruledefs import SCORE_HOUR


def _score(now) -> str:
    from .models import ModelVersion
    from .services.scoring import score_region

    if not ModelVersion.objects.filter(in_use=True).exists():
        return "no model in use"
    run = score_region()
    return f"model={run.model} entities={run.entities} seconds={run.seconds}"


register(Job("riskmodel.score", run=_score, timing=daily(SCORE_HOUR.code), label=_("检查优先级每日评分")))
