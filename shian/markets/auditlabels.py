"""Labels of the markets' audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "markets.stall_add": _("登记市场摊位"),
        "markets.stall_update": _("修改市场摊位"),
        "markets.stall_import": _("导入市场摊位清单"),
        "markets.test": _("登记摊位快检"),
        "markets.hold": _("摊位快检不合格，暂停销售"),
        "markets.release": _("解除摊位暂停销售"),
        "markets.prices": _("登记摊位价格公示"),
    }
)
register_kind("markets.hold", _("市场摊位快检不合格暂停销售"))
