"""Labels of cases's audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "case.open": _("立案"),
        "case.referral_taken": _("案件移送已立案"),
        "case.referral_declined": _("案件移送不予立案"),
        "case.party_add": _("登记案件当事人"),
        "case.party_unmask": _("查看案件当事人完整个人信息"),
        "case.update": _("登记违法事实与法律依据"),
        "case.evidence_add": _("上传案件证据"),
        "case.decide": _("作出案件处理决定"),
        "case.extend": _("案件处理期限延长（经批准）"),
        "case.close": _("结案"),
        "case.overdue": _("案件逾期未作出决定"),
        "case.escalate": _("逾期案件升级"),
        "case.supervise": _("挂牌督办"),
        "case.report_request": _("要求报送督办报告"),
        "case.report_answer": _("报送督办报告"),
        "case.report_overdue": _("督办报告逾期未报送"),
    }
)
register_kind("case.overdue", _("案件逾期未作出决定"))
register_kind("case.escalated", _("逾期案件升级"))
register_kind("case.supervised", _("案件被挂牌督办"))
register_kind("case.report_requested", _("督办单位要求报送报告"))
register_kind("case.report_answered", _("督办报告已报送"))
register_kind("case.report_overdue", _("督办报告逾期未报送"))
