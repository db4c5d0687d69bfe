from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """The commission's graded official notices (三书一函) with reply deadlines and escalation (docs/notices.md)."""

    name = "shian.notices"
    verbose_name = _("三书一函")

    def ready(self):
        from shian.core.deadlinechecks import register

        from .services.deadlines import check_deadlines

        register("notices", check_deadlines)
