from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskModelConfig(AppConfig):
    """Predictive inspection priority (docs/riskmodel.md): a logistic model of the chance that an entity's next
    inspection finds a 重点项 failure, trained, stored as data and scored from shian's own records."""

    name = "shian.riskmodel"
    verbose_name = _("检查优先级模型")

    def ready(self):
        from shian.inspections.priority import register_priority, register_scores

        from .selectors import probabilities, scores_in_use

        register_priority(probabilities)
        register_scores(scores_in_use)

        from . import jobs  # noqa: F401  registers the recurring job
