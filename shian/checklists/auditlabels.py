"""Labels of the checklist engine's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels({"checklist.version": _("发布检查表新版本")})
