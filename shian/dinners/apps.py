from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DinnersConfig(AppConfig):
    """Rural collective dinners (农村集体聚餐): reports graded by diners, on-site guidance on the checklist engine, the
    流动厨师 registry and dinner insurance (docs/dinners.md)."""

    name = "shian.dinners"
    verbose_name = _("农村集体聚餐")

    def ready(self):
        from shian.checklists.kinds import register_kinds

        from .models import GUIDANCE_KIND

        register_kinds([(GUIDANCE_KIND, _("农村集体聚餐现场指导检查表"))])

        from . import jobs  # noqa: F401  registers the certificate-expiry reminder
