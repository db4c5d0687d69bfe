from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "shian.knowledge"
    label = "knowledge"
    verbose_name = _("监督抽考")

    def ready(self):
        from . import jobs  # noqa: F401  registers the closing of expired papers
