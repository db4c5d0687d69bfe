from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ENTITY_ROLES, Department, Role


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


# --------------------------------------------------------------------------- enterprise accounts (issue 8)


class EntitySearchForm(forms.Form):
    q = forms.CharField(label=_("主体名称、统一社会信用代码或许可证编号"), required=False, max_length=100)


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    entity_role = forms.ChoiceField(label=_("企业内职务"), choices=ENTITY_ROLES)


class _NewPasswordMixin(forms.Form):
    """Username and a password typed twice; the service applies Django's password rules."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录时使用：字母、数字和 @ . + - _"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        help_text=_("至少 10 位，不能全是数字，不能过于常见或与用户名相近。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") is not None and data["password"] != data["password2"]:
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class AcceptInvitationForm(_NewPasswordMixin):
    pass


class SelfRegistrationForm(_NewPasswordMixin):
    """Two steps on one page (accounts.registration): the codes and the principal's phone get a texted code; the code,
    a name and a password then open the principal's account. `step` is "send_code" or "register"."""

    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=100, help_text=_("营业执照上的 18 位代码"))
    license_number = forms.CharField(
        label=_("许可证编号"), max_length=100, help_text=_("食品经营（JY）或食品生产（SC）许可证上的编号")
    )
    phone = forms.CharField(
        label=_("负责人手机号"),
        max_length=20,
        help_text=_("须与市场监管所登记的主要负责人手机号一致，验证码将发送到这个号码"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)

    field_order = ["uscc", "license_number", "phone", "code", "name", "username", "password", "password2"]

    def __init__(self, *args, step: str = "register", **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        if step == "send_code":
            for name in ("code", "name", "username", "password", "password2"):
                self.fields[name].required = False
        else:
            for name in ("code", "name"):
                self.fields[name].required = True
