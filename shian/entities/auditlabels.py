"""Labels of the entity registry's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "entity.create": _("新增主体"),
        "entity.update": _("修改主体"),
        "entity.export": _("导出主体"),
        "license.create": _("登记许可证"),
        "key_person.create": _("登记关键人员"),
    }
)
