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

# -- results, disposal, cross-region notices (docs/sampling.md §4) --
register_labels(
    {
        "lab.import": _("导入检验结果"),
        "lab.rollback": _("撤销检验结果导入"),
        "sample.result": _("录入检验结果"),
        "disposal.open": _("启动不合格样品核查处置"),
        "disposal.step": _("登记核查处置“五到位”"),
        "disposal.retest_apply": _("登记复检申请"),
        "disposal.retest_result": _("登记复检结论"),
        "disposal.close": _("核查处置办结"),
        "disposal.overdue": _("核查处置逾期"),
        "notice.send": _("发出跨区域协查通报"),
        "notice.acknowledge": _("签收跨区域协查通报"),
        "notice.reply": _("反馈跨区域协查情况"),
    }
)
register_kind("sample.failed", _("抽检不合格"))
register_kind("disposal.overdue", _("核查处置逾期"))
register_kind("notice.received", _("跨区域协查通报"))
register_kind("notice.replied", _("跨区域协查反馈"))

# -- public, 你点我检, rapid tests (docs/sampling.md §5) --
register_labels(
    {
        "sample.publish": _("公布抽检结果"),
        "sample.publish_month": _("按月批量公布抽检结果"),
        "sample.withdraw": _("撤回已公布的抽检结果"),
        "disposal.publish": _("公布核查处置结果"),
        "campaign.create": _("创建你点我检活动"),
        "campaign.open": _("你点我检开始投票"),
        "campaign.close": _("你点我检结束投票"),
        "campaign.approve_proposal": _("审核通过你点我检建议"),
        "campaign.plan_lines": _("你点我检入选食品列入抽检计划"),
        "campaign.propose": _("公众提交你点我检建议"),
        "campaign.vote": _("公众参与你点我检投票"),
        "rapid.room_create": _("登记快检室"),
        "rapid.room_update": _("修改快检室"),
        "rapid.room_deactivate": _("停用快检室"),
        "rapid.test": _("登记快检记录"),
    }
)
