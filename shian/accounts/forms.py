from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department, Role


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部"))] + Role.choices)


class AccountForm(forms.Form):
    """Fields of an account; the service does all the checking, this only parses."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region_code = forms.CharField(label=_("所属区划代码"), max_length=12, required=False)
    department_code = forms.ModelChoiceField(
        label=_("部门"), queryset=Department.objects.all(), required=False, to_field_name="code"
    )
    entity_id = forms.IntegerField(label=_("所属主体编号（企业用户）"), required=False, min_value=1, max_value=2**53)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        dept = data.pop("department_code")
        data["department_code"] = dept.code if dept else None
        return data


class TokenForm(forms.Form):
    account_id = forms.IntegerField(label=_("绑定账号编号"), min_value=1, max_value=2**53)
    name = forms.CharField(label=_("用途"), max_length=100)
