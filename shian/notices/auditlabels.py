"""Labels of notices's audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "notices.type_update": _("修改三书一函文书类型"),
        "notices.draft": _("拟制三书一函"),
        "notices.issue": _("签发三书一函"),
        "notices.deliver": _("送达三书一函"),
        "notices.reply": _("答复三书一函"),
        "notices.attachment_add": _("上传三书一函答复附件"),
        "notices.accept": _("三书一函答复审核通过（办结）"),
        "notices.return": _("三书一函答复退回重新答复"),
        "notices.overdue": _("三书一函逾期未答复"),
        "notices.escalate": _("三书一函逾期升级为上一等级文书"),
        "notices.escalate_above": _("最高等级文书逾期未答复，报告上级"),
    }
)
register_kind("notices.delivered", _("收到三书一函"))
register_kind("notices.replied", _("三书一函已答复"))
register_kind("notices.reviewed", _("三书一函答复审核结果"))
register_kind("notices.overdue", _("三书一函逾期未答复"))
register_kind("notices.escalated", _("三书一函逾期升级"))
