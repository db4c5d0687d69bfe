from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    """Risk early warnings (风险预警): rules as versioned data over the records of sampling, complaints, inspections,
    cases, licences and public opinion; warnings on a working-day clock with escalation (docs/warnings.md)."""

    name = "shian.warnings"
    verbose_name = _("风险预警")

    def ready(self):
        from . import auditlabels, events, jobs  # noqa: F401  labels, the scheduled run

        events.connect()
