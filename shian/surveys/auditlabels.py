"""Labels of the surveys' audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "survey.create": _("创建调查问卷"),
        "survey.status": _("变更调查状态"),
        "survey.plan": _("编制调查抽样方案"),
        "survey.respond": _("公众提交调查答卷"),
        "survey.interview": _("入户调查录入答卷"),
    }
)
