from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Complaints and reports (投诉举报): intake, routing by territory, transfers and the statutory clock
    (docs/complaints.md)."""

    name = "shian.complaints"
    verbose_name = _("投诉举报")

    def ready(self):
        from shian.core import deadlinechecks

        from . import jobs  # noqa: F401  registers the parts' recurring jobs
        from .services import deadlines

        deadlinechecks.register("complaints", deadlines.check)
