"""Labels of trace's audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "trace.product_create": _("登记追溯产品"),
        "trace.batch_create": _("登记批次并生成追溯码"),
        "trace.code_revoke": _("作废追溯码"),
        "trace.code_reissue": _("重新生成追溯码"),
        "trace.event": _("录入流通记录"),
        "trace.import": _("导入流通记录"),
        "trace.recall_start": _("发起召回"),
        "trace.recall_confirm": _("确认召回下架"),
        "trace.recall_complete": _("召回完成"),
        "trace.recall_overdue": _("召回逾期未完成"),
    }
)
register_kind("trace.recall", _("召回通知"))
register_kind("trace.recall_overdue", _("召回逾期未完成"))
