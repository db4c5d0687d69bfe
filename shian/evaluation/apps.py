from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """The demonstration-county evaluation (docs/evaluation.md): the catalog as data, tasks to departments,
    evidence, review and the live score."""

    name = "shian.evaluation"
    verbose_name = _("示范创建评价")

    def ready(self):
        from . import jobs  # noqa: F401  registers the task generation and the Monday snapshot
