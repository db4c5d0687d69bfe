"""Labels of sampling's audit actions (shian.core.actionlabels) and its notification kinds (shian.core.notifykinds);
each part of docs/sampling.md adds its own block."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

# -- plans, tasks (docs/sampling.md §2) --
register_labels(
    {
        "sampling_plan.create": _("制定抽检计划"),
        "sampling_plan.replan": _("重新制定抽检计划"),
    }
)

# -- samples (docs/sampling.md §3) --
register_labels(
    {
        "sample.create": _("登记抽样"),
        "sample.sent": _("样品送检"),
        "sample.received": _("检验机构接收样品"),
        "sample.task_done": _("抽样任务完成"),
        "sample.overdue_to_lab": _("样品逾期未送检"),
        "sample.overdue_report": _("样品逾期未出报告"),
    }
)
register_kind("sample.overdue_to_lab", _("样品逾期未送检"))
register_kind("sample.overdue_report", _("样品逾期未出报告"))
