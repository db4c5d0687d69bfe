"""Labels of the visit loop's audit actions (shian.core.actionlabels) and its notification kinds
(shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

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

register_kind("problem.found", _("督导发现问题"))
register_kind("problem.evidence", _("整改材料待核验"))
register_kind("problem.returned", _("整改未通过核验"))
register_kind("problem.escalated", _("问题逾期升级"))
