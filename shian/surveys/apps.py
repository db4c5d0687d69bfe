from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Satisfaction and awareness surveys (docs/surveys.md): questionnaires as data, a sampling plan stratified by
    township, the public form behind a QR code and the interviewer's entry, weighted results with a 95 % interval."""

    name = "shian.surveys"
    verbose_name = _("满意度与知晓率调查")
