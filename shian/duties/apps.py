from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "shian.duties"
    verbose_name = _("企业主体责任")

    def ready(self):
        from . import jobs  # noqa: F401  registers the reminders
