"""Labels of the warnings' audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "warnings.rule": _("修改预警规则"),
        "warnings.raise": _("发出风险预警"),
        "warnings.merge": _("风险预警合并新证据"),
        "warnings.step": _("处理风险预警"),
        "warnings.escalate": _("风险预警逾期升级"),
    }
)
register_kind("warnings.raised", _("风险预警"))
register_kind("warnings.escalated", _("风险预警逾期升级"))
