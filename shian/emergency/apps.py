from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    """Incidents (食品安全事故), public opinion (舆情), emergency plans and drills (docs/emergency.md)."""

    name = "shian.emergency"
    verbose_name = _("应急管理")

    def ready(self):
        from . import jobs  # noqa: F401  registers the parts' recurring jobs
