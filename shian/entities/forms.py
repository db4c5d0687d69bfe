from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shian.core.forms import DATE_INPUT, apply_service_errors

from . import services, validators
from .models import SUBTYPES_BY_TYPE, BusinessType, Entity, KeyPerson, License, SalesBand


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


def _blank(label) -> list:
    return [("", label)]


class EntityForm(forms.Form):
    """An entity's fields; parsing only. The registry service checks and saves (one rule, one place)."""

    name = forms.CharField(label=_("主体名称"), max_length=200)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=50, required=False)
    override_reason = forms.CharField(
        label=_("例外说明"),
        max_length=200,
        required=False,
        help_text=_("校验码不符但已核对证照原件无误时，写明核对情况后保存。"),
    )
    business_type = forms.ChoiceField(label=_("业态"), choices=BusinessType.choices)
    sub_type = forms.ChoiceField(
        label=_("细分类型"),
        required=False,
        choices=_blank("—")
        + [(BusinessType(t).label, [(s.value, s.label) for s in subs]) for t, subs in SUBTYPES_BY_TYPE.items()],
    )
    address = forms.CharField(label=_("经营地址"), max_length=300)
    region_code = forms.CharField(
        label=_("所属区划代码"),
        max_length=12,
        help_text=_("填写 9 位乡镇（街道）或 12 位村（社区）代码，可输入前几位后从提示中选择。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "list": "region-options", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("经营状态"), choices=Entity.Status.choices)
    floor_area = forms.DecimalField(
        label=_("经营面积（㎡）"), required=False, min_value=0, max_value=10_000_000, max_digits=10, decimal_places=1
    )
    diners = forms.IntegerField(label=_("就餐人数"), required=False, min_value=0, max_value=1_000_000)
    sales_band = forms.ChoiceField(label=_("年销售额"), required=False, choices=_blank("—") + SalesBand.choices)
    department_code = forms.ModelChoiceField(
        label=_("行业主管部门"),
        queryset=Entity._meta.get_field("department").related_model.objects.all(),  # accounts.Department
        required=False,
        to_field_name="code",
        empty_label=_("按细分类型默认"),
    )
    longitude = forms.DecimalField(
        label=_("经度"), required=False, min_value=73, max_value=136, max_digits=9, decimal_places=6
    )
    latitude = forms.DecimalField(
        label=_("纬度"), required=False, min_value=3, max_value=54, max_digits=8, decimal_places=6
    )

    # service error keys that name a model field rather than a form field
    ALIASES = {"uscc_override_reason": "override_reason", "department": "department_code", "region": "region_code"}

    def __init__(self, *args, entity: Entity | None = None, can_override: bool = False, **kwargs):
        if entity is not None:
            kwargs.setdefault("initial", _initial(entity))
        super().__init__(*args, **kwargs)
        self.entity = entity
        self.can_override = can_override
        self.checksum_warning = False
        if entity is None:
            del self.fields["status"]  # a new entity is in business; 注销 has its own action

    @property
    def show_override(self) -> bool:
        """The reason field appears once the code failed its checksum, or when a reason is already on file."""
        given = self.data.get("override_reason") or self.initial.get("override_reason")
        return self.can_override and bool(self.checksum_warning or given)

    def save(self, *, actor) -> Entity | None:
        """Create or update through the registry service; on refusal put its messages on the fields and
        return None. An edit sends only what changed, so an untouched field is not re-judged."""
        data = self._service_kwargs()
        reason = data.pop("override_reason")
        try:
            if self.entity is None:
                return services.create_entity(actor=actor, override_reason=reason, **data)
            changed = {k: v for k, v in data.items() if k in self.changed_data}
            if "override_reason" in self.changed_data and data.get("uscc"):
                changed["uscc"] = data["uscc"]  # a new reason is applied by re-checking the code
            if not changed:
                return self.entity
            return services.update_entity(actor=actor, entity=self.entity, override_reason=reason, **changed)
        except ValidationError as exc:
            self._note_checksum_warning(data.get("uscc"))
            apply_service_errors(self, exc, self.ALIASES)
            return None

    def _service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        department = data.pop("department_code")
        data["department_code"] = department.code if department else None
        return data

    def _note_checksum_warning(self, uscc) -> None:
        if not uscc:
            return
        try:
            validators.validate_uscc(uscc)
        except validators.ChecksumWarning:
            self.checksum_warning = True
        except ValidationError:
            pass


def _initial(entity: Entity) -> dict:
    return {
        "name": entity.name,
        "uscc": entity.uscc,
        "override_reason": entity.uscc_override_reason,
        "business_type": entity.business_type,
        "sub_type": entity.sub_type,
        "address": entity.address,
        "region_code": entity.region_id,
        "status": entity.status,
        "floor_area": entity.floor_area,
        "diners": entity.diners,
        "sales_band": entity.sales_band,
        "department_code": entity.department_id,
        "longitude": entity.longitude,
        "latitude": entity.latitude,
    }


class LicenseForm(forms.Form):
    kind = forms.ChoiceField(label=_("证照类型"), choices=License.Kind.choices)
    number = forms.CharField(label=_("证照编号"), max_length=50)
    issued_on = forms.DateField(label=_("发证日期"), required=False, widget=DATE_INPUT)
    expires_on = forms.DateField(label=_("有效期至"), required=False, widget=DATE_INPUT)

    def save(self, *, actor, entity: Entity) -> License | None:
        try:
            return services.add_license(actor=actor, entity=entity, **self.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(self, exc)
            return None


class KeyPersonForm(forms.Form):
    role = forms.ChoiceField(label=_("职务"), choices=KeyPerson.Role.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=KeyPerson.IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=30, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def save(self, *, actor, entity: Entity) -> KeyPerson | None:
        try:
            return services.add_key_person(actor=actor, entity=entity, **self.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(self, exc)
            return None


class ExpiringFilterForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("到期时限"),
        coerce=int,
        choices=[(30, _("30 天内")), (60, _("60 天内")), (90, _("90 天内"))],
    )
