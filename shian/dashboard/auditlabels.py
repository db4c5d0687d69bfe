"""Labels of the dashboard's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels({"dispatch.generate": _("生成调度周报")})
