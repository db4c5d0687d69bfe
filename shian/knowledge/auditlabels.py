"""Labels of the knowledge app's audit actions (shian.core.actionlabels) and its notification kinds
(shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "knowledge.schedule": _("安排监督抽考"),
        "knowledge.cancel": _("取消监督抽考"),
        "knowledge.export": _("导出抽考结果"),
        "knowledge.import_questions": _("导入题库"),
        "knowledge.attempt.start": _("开始答题"),
        "knowledge.attempt.auto_submit": _("到时自动交卷"),
    }
)

register_kind("knowledge.test", _("监督抽考"))
