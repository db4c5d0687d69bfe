"""Labels of dinners' audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "dinners.report": _("报告农村集体聚餐"),
        "dinners.guidance": _("聚餐现场指导签字"),
        "dinners.chef_add": _("登记流动厨师"),
        "dinners.chef_update": _("更新流动厨师健康证明"),
        "dinners.training_add": _("登记厨师培训"),
    }
)
register_kind("dinners.task", _("农村集体聚餐指导任务"))
register_kind("dinners.cert_expiring", _("流动厨师健康证明即将到期"))
