from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionConfig(AppConfig):
    """The commission's coordination (docs/commission.md): meetings whose decisions become tracked tasks, the key-work
    ledger, half-yearly data sharing, assessment of townships and member units, and volunteers."""

    name = "shian.commission"
    verbose_name = _("食安委统筹协调")

    def ready(self):
        from shian.core.deadlinechecks import register

        from .services.meetings import check_deadlines

        register("commission", check_deadlines)
