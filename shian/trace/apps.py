from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    """一品一码 traceability and recall (docs/trace.md)."""

    name = "shian.trace"
    verbose_name = _("追溯与召回")

    def ready(self):
        from shian.core.deadlinechecks import register

        from . import auditlabels, kpis  # noqa: F401  registers labels, notification kinds and figures
        from .services.recalls import check_deadlines

        register("trace", check_deadlines)
