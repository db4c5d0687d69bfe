from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BusinessType, Entity


class EntityFilterForm(forms.Form):
    q = forms.CharField(label=_("名称 / 信用代码 / 许可证号"), required=False, max_length=100)
    business_type = forms.ChoiceField(label=_("业态"), required=False, choices=[("", _("全部"))] + BusinessType.choices)
    grade = forms.ChoiceField(label=_("包保等级"), required=False, choices=[("", _("全部"))] + Entity.Grade.choices)
    status = forms.ChoiceField(label=_("经营状态"), required=False, choices=[("", _("全部"))] + Entity.Status.choices)
    license_expiring_days = forms.TypedChoiceField(
        label=_("许可证到期"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("不限")), (30, _("30 天内")), (60, _("60 天内")), (90, _("90 天内"))],
    )
