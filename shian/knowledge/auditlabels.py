"""Labels of the knowledge app's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

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
