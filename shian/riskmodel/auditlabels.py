"""Labels of the risk model's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "riskmodel.train": _("训练检查优先级模型"),
        "riskmodel.score": _("检查优先级评分"),
    }
)
