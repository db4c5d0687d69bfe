from django import forms
from django.utils.translation import gettext_lazy as _

# <input type=date> reads only ISO dates; Django would render the locale format (2026/11/23 in Chinese).
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("对象或请求编号"), required=False, max_length=200)
    action = forms.CharField(label=_("动作"), required=False, max_length=50)
    actor = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)
