"""Labels of complaints's audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

# -- complaints: intake, routing, transfers, the clock (docs/complaints.md) --
register_labels(
    {
        "complaint.receive": _("登记投诉举报"),
        "complaint.receive_public": _("网上投诉举报"),
        "complaint.import": _("导入12315/12345工单"),
        "complaint.accept": _("受理投诉"),
        "complaint.refuse": _("不予受理投诉"),
        "complaint.mediate": _("投诉调解终结"),
        "complaint.decide": _("举报处理决定"),
        "complaint.filed": _("举报立案"),
        "complaint.extend": _("举报核查延期"),
        "complaint.tell": _("告知实名举报人"),
        "complaint.close": _("投诉举报办结"),
        "complaint.transfer": _("投诉举报转办"),
        "complaint.receive_transfer": _("签收转办件"),
        "complaint.confirm_match": _("确认被投诉举报主体"),
        "complaint.overdue": _("投诉举报逾期"),
        "complaint.escalated": _("投诉举报逾期上报"),
        "demo.complaints": _("生成演示投诉举报"),
    }
)
register_kind("complaint.overdue", _("投诉举报逾期"))
register_kind("complaint.escalated", _("投诉举报逾期上报"))
