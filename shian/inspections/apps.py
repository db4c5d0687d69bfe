from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "shian.inspections"
    verbose_name = _("监督检查")

    def ready(self):
        from shian.checklists.kinds import register_kinds

        from .models import InspectionKind

        register_kinds(InspectionKind.choices)

        from . import jobs  # noqa: F401  registers the monthly tasks from the yearly plans
