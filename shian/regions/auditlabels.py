"""Labels of the regions app's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "regions.load": _("导入区划"),
        "boundaries.load": _("导入地图边界"),
        "grid.create": _("新建网格"),
        "grid.update": _("修改网格"),
        "holidays.sync": _("同步节假日"),
        "holiday.override": _("调整节假日"),
        "holiday.override_clear": _("撤销节假日调整"),
        "region.population": _("修改常住人口"),
    }
)
