"""Labels of the commission's audit actions (shian.core.actionlabels) and notification kinds."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "commission.meeting": _("登记食安委会议"),
        "commission.decision": _("登记会议议定事项"),
        "commission.decision_update": _("更新议定事项办理情况"),
        "commission.decision_overdue": _("议定事项逾期"),
        "commission.keywork": _("登记重点工作"),
        "commission.keywork_update": _("更新重点工作台账"),
        "commission.sharing": _("生成半年数据共享包"),
        "commission.sheet": _("制定评议考核评分表"),
        "commission.manual_points": _("评议考核人工评分"),
        "commission.assess": _("计算评议考核结果"),
        "commission.assess_notice": _("评议考核通报/交办/督办"),
        "commission.volunteer": _("登记食品安全志愿者"),
        "commission.volunteer_task": _("登记志愿者任务"),
    }
)
register_kind("commission.decision_overdue", _("会议议定事项逾期"))
