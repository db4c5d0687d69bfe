from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """A credit file (信用档案) per business built from its records, its credit class, correction requests and liability insurance (docs/credit.md)."""

    name = "shian.credit"
    verbose_name = _("信用档案")

    def ready(self):
        from shian.inspections.riskfactors import register_factor

        from . import signals
        from .selectors.files import credit_classes

        register_factor("credit_class", credit_classes)
        signals.connect()

        from . import jobs  # noqa: F401  registers the recurring jobs
