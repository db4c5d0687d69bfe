from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    name = "shian.sampling"
    verbose_name = _("抽检监测")

    def ready(self):
        from shian.inspections.riskfactors import register_factor

        from .selectors.riskfactor import failed_samples

        register_factor("failed_samples", failed_samples)

        from . import jobs  # noqa: F401  registers the parts' recurring jobs
