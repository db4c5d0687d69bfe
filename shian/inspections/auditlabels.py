"""Labels of the routine inspections' audit actions (shian.core.actionlabels) and notification kinds
(shian.core.notifykinds). Each part of docs/inspections.md keeps its own block."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

# -- tasks, inspections, rectification (docs/inspections.md §5) --
register_labels(
    {
        "task.create": _("安排检查任务"),
        "inspection.sign": _("签署监督检查记录"),
        "inspection.addendum": _("补充监督检查记录"),
        "order.answer": _("反馈整改情况"),
        "order.recheck": _("整改复查"),
        "order.escalate": _("整改逾期移送立案"),
        "order.refer": _("生成案件移送"),
    }
)
register_kind("order.issued", _("监督检查责令整改"))
register_kind("order.answered", _("整改反馈待复查"))
register_kind("order.rechecked", _("整改复查结果"))
register_kind("order.escalated", _("整改逾期移送立案"))
