"""Labels of routine inspections' audit actions (shian.core.actionlabels), one block per part."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

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

# -- risk grading, grids, 明厨亮灶 --
register_labels(
    {
        "risk.grade": _("风险分级评定"),
        "risk.adjust": _("人工调整风险等级"),
        "risk.lift": _("取消风险等级人工调整"),
        "risk.scheme_version": _("修订风险分级评分表"),
        "grid.assign": _("按村（社区）划入网格"),
        "grid.set": _("修改主体所属网格"),
        "grid.patrol_tasks": _("生成网格巡查任务"),
        "kitchen.create": _("登记明厨亮灶接入"),
        "kitchen.update": _("修改明厨亮灶接入"),
        "kitchen.stop": _("停用明厨亮灶接入"),
        "kitchen.import": _("导入明厨亮灶接入"),
    }
)


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
