from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    """Incidents (食品安全事故), public opinion (舆情), emergency plans and drills (docs/emergency.md)."""

    name = "shian.emergency"
    verbose_name = _("应急管理")

    def ready(self):
        from shian.core import deadlinechecks

        from . import jobs  # noqa: F401  registers the parts' recurring jobs
        from .services import incidents, opinions

        # the statutory clocks that `check_deadlines` runs (docs/emergency.md §4)
        deadlinechecks.register("emergency.incident_first_report", incidents.check)
        deadlinechecks.register("emergency.opinion_feedback", opinions.check)
