"""Labels of the duties app's audit actions (shian.core.actionlabels) and its notification kinds
(shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "duties.staffing_policy_version": _("修订人员配备规则"),
        "duties.daily": _("填写日管控记录"),
        "duties.weekly": _("提交周排查报告"),
        "duties.monthly": _("记录月调度会议"),
        "duties.training": _("登记培训"),
        "duties.risk_item": _("修改风险管控清单"),
        "duties.remind_daily": _("提醒填写日管控"),
        "duties.remind_weekly": _("提醒提交周排查"),
        "duties.remind_monthly": _("提醒召开月调度"),
    }
)

register_kind("duties.reminder", _("企业履责提醒"))
