"""Labels of the demo generator's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "demo.entities": _("生成演示主体"),
        "demo.cadres": _("生成演示包保干部"),
        "demo.grids": _("生成演示网格与账号"),
        "demo.visits": _("生成演示督导记录"),
        "demo.duties": _("生成演示企业履责记录"),
        "demo.inspections": _("生成演示监督检查记录"),
    }
)
