"""Labels of credit's audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "credit.recompute": _("重新计算信用等级"),
        "credit.correction_submit": _("提交信用信息更正申请"),
        "credit.correction_accept": _("采纳信用信息更正申请"),
        "credit.correction_reject": _("不予采纳信用信息更正申请"),
        "credit.policy_add": _("登记食品安全责任保险保单"),
        "credit.policy_update": _("修改食品安全责任保险保单"),
        "credit.policy_import": _("导入食品安全责任保险保单"),
        "credit.policy_remind": _("责任保险到期提醒"),
    }
)
register_kind("credit.correction_submitted", _("信用信息更正申请待审核"))
register_kind("credit.correction_reviewed", _("信用信息更正申请已审核"))
register_kind("credit.policy_expiring", _("食品安全责任保险即将到期"))
