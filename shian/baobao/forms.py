from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cadre, CadreLevel


class CadreFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名 / 职务"), required=False, max_length=50)
    level = forms.ChoiceField(label=_("包保层级"), required=False, choices=[("", _("全部"))] + CadreLevel.choices)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + Cadre.Status.choices)


class GuaranteeFilterForm(forms.Form):
    q = forms.CharField(label=_("主体 / 干部姓名"), required=False, max_length=50)
    grade = forms.ChoiceField(label=_("包保等级"), required=False, choices=[("", _("全部"))] + [(g, g) for g in "ABCD"])
