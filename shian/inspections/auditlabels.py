"""Labels of routine inspections' audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

# -- stations, yearly plans, random draws --
register_labels(
    {
        "station.create": _("新建市场监管所"),
        "station.update": _("修改市场监管所（辖区、执法人员）"),
        "station.conflict": _("执法人员声明回避"),
        "plan.create": _("制定年度检查计划"),
        "plan.tasks": _("按年度计划生成检查任务"),
        "draw.run": _("双随机抽取"),
        "draw.publish": _("公示双随机抽查结果"),
        "draw.reassign": _("调整检查任务执法人员"),
    }
)
