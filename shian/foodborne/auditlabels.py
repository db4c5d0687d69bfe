"""Labels of foodborne's audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "foodborne.report": _("报告食源性疾病病例"),
        "foodborne.cluster": _("食源性疾病聚集性病例预警"),
        "foodborne.incident": _("由聚集性病例开立事故"),
    }
)
register_kind("foodborne.cluster", _("食源性疾病聚集性病例预警"))
