from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public portal and the public open-data API: businesses, ratings, samples and list editions for anyone, never people (docs/portal.md)."""

    name = "shian.portal"
    verbose_name = _("公众服务")

    def ready(self):
        from . import jobs  # noqa: F401  registers the nightly bulk files
