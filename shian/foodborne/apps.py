from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoodborneConfig(AppConfig):
    """Foodborne-disease case reports from medical institutions, clusters and their warning, the incident opened from
    a cluster (docs/foodborne.md)."""

    name = "shian.foodborne"
    verbose_name = _("食源性疾病报告")

    def ready(self):
        from . import jobs  # noqa: F401  registers the cluster sweep
