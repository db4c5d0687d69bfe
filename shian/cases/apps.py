from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Cases (立案查处) from reports, inspections, failed samples and overdue 包保 problems, with 挂牌督办
    (docs/cases.md)."""

    name = "shian.cases"
    verbose_name = _("案件查处")

    def ready(self):
        from shian.core.deadlinechecks import register
        from shian.inspections.riskfactors import register_factor

        from .selectors.cases import penalty_counts
        from .services.deadlines import check_deadlines

        register_factor("cases", penalty_counts)
        register("cases", check_deadlines)

        from . import jobs  # noqa: F401  registers the parts' recurring jobs
