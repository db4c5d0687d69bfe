"""Labels of the visit loop's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "visit.sign": _("签署督导记录"),
        "visit.addendum": _("补充督导记录"),
        "problem.evidence": _("提交整改材料"),
        "problem.close": _("问题销号"),
        "problem.return": _("整改退回"),
        "problem.escalate": _("问题逾期升级"),
        "problem.export": _("导出问题清单"),
    }
)
