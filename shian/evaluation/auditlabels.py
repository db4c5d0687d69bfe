"""Labels of the evaluation's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "evaluation.catalog_load": _("载入评价细则"),
        "evaluation.catalog_upload": _("上传评价细则工作簿"),
        "evaluation.start": _("启动示范创建评价"),
        "evaluation.evidence": _("提交评价佐证材料"),
        "evaluation.review": _("审核评价任务"),
        "evaluation.points": _("评定小项得分"),
        "evaluation.not_applicable": _("认定合理缺项"),
        "evaluation.veto": _("认定否决项"),
    }
)
