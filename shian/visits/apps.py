from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "shian.visits"
    verbose_name = _("包保督导")

    def ready(self):
        from shian.checklists.kinds import register_kinds

        from .models import ChecklistKind

        register_kinds(ChecklistKind.choices)

        from shian.baobao.documents import register_rectification_rows

        from . import jobs  # noqa: F401  registers the daily escalation of overdue problems
        from .rectification import open_problem_rows

        register_rectification_rows(open_problem_rows)
