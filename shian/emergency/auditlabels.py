"""Labels of emergency's audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)
(docs/emergency.md §4)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "incident.create": _("登记食品安全事故"),
        "incident.report_first": _("事故首报"),
        "incident.report_follow_up": _("事故续报"),
        "incident.report_final": _("事故终报"),
        "incident.link": _("事故关联样品、投诉举报、案件"),
        "incident.close": _("事故结案"),
        "incident.first_report_overdue": _("事故首报逾期"),
        "incident.escalated": _("事故首报逾期上报上一级"),
        "opinion.create": _("登记舆情"),
        "opinion.feedback": _("舆情反馈"),
        "opinion.verify": _("舆情核实"),
        "opinion.close": _("舆情办结"),
        "opinion.feedback_overdue": _("舆情逾期未反馈"),
        "opinion.escalated": _("舆情逾期未反馈上报上一级"),
        "emergency_plan.create": _("登记应急预案"),
        "exercise.create": _("登记应急培训、演练"),
    }
)
register_kind("incident.major", _("重大及以上食品安全事故"))
register_kind("incident.first_report_overdue", _("事故首报逾期"))
register_kind("incident.escalated", _("事故首报逾期（上报）"))
register_kind("opinion.feedback_overdue", _("舆情逾期未反馈"))
register_kind("opinion.escalated", _("舆情逾期未反馈（上报）"))
