from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "shian.dashboard"
    label = "dashboard"
    verbose_name = _("一张图")

    def ready(self):
        # every app's kpis.py registers its figures (see shian/core/kpis.py)
        autodiscover_modules("kpis")
        from shian.core import kpis

        from . import history, jobs  # noqa: F401  jobs registers the refresh and Monday report jobs

        kpis.keep_history(history.stored_parts)  # the evaluation reads past days from the KPI history
