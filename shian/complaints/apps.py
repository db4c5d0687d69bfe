from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Complaints and reports (投诉举报), their routing and clock, and cases (立案) with 挂牌督办 (docs/complaints.md)."""

    name = "shian.complaints"
    verbose_name = _("投诉举报与案件")

    def ready(self):
        from . import jobs  # noqa: F401  registers the parts' recurring jobs
