"""Writes to the registry: identifiers validated, jurisdiction checked, duplicates refused or flagged, audited."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.jurisdiction import require_in_scope, scope_prefix
from shian.core.permissions import require_perm
from shian.core.pii import mask_phone
from shian.core.validation import full_clean_as, reject_unknown
from shian.regions.models import Region
from shian.reports import xlsx

from . import selectors, validators
from .models import SUBTYPES_BY_TYPE, BusinessType, Entity, KeyPerson, License, SubType

# The sector authority an entity type answers to (docs/domain.md §1), used when none is given.
DEFAULT_DEPARTMENT = {
    SubType.SCHOOL_CANTEEN: "education",
    SubType.KINDERGARTEN_CANTEEN: "education",
    SubType.HOSPITAL_CANTEEN: "health",
    SubType.ELDERLY_CANTEEN: "civil_affairs",
    SubType.SITE_CANTEEN: "housing",
    SubType.FARMERS_MARKET: "commerce",
    SubType.MARKET_OPERATOR: "commerce",
}
ENTITY_FIELDS = (
    "name", "uscc", "business_type", "sub_type", "floor_area", "diners", "sales_band", "address",
    "region_code", "longitude", "latitude", "status", "department_code",
)  # fmt: skip
_COMPANY_SUFFIX = re.compile(r"(有限责任公司|有限公司|股份有限公司)$")
_BRACKETS = re.compile(r"[()（）\[\]【】〔〕<>《》\s·.,，、\-—_]")


def duplicate_key(name: str, address: str) -> str:
    """Name and address folded so that spacing, brackets, width and 有限(责任)公司 variants compare equal. The
    suffix rule runs only on a name ending in 公司 (all its forms do): an import folds 100,000 names."""
    name = _fold(name)
    if name.endswith("公司"):
        name = _COMPANY_SUFFIX.sub("有限公司", name)
    return f"{name}|{_fold(address)}"[:400]


def _fold(text: str) -> str:
    return _BRACKETS.sub("", unicodedata.normalize("NFKC", text or "").upper())


def _clean(*, actor, data: dict, entity: Entity | None, override_reason: str) -> dict:
    errors: dict[str, list[str]] = {}
    out = dict(data)

    if "name" in data and not (data["name"] or "").strip():
        errors.setdefault("name", []).append(_("请填写主体名称。"))
    if "address" in data and not (data["address"] or "").strip():
        errors.setdefault("address", []).append(_("请填写经营地址。"))

    if data.get("uscc"):
        try:
            out["uscc"] = validators.validate_uscc(data["uscc"])
            out["uscc_override_reason"] = ""
        except validators.ChecksumWarning as warning:
            if override_reason.strip() and actor.has_perm("entities.override_checksum"):
                out["uscc"] = validators.validate_uscc(data["uscc"], allow_checksum_override=True)
                out["uscc_override_reason"] = override_reason.strip()
            else:
                hint = _("如核对证照原件无误，请填写例外说明后保存。")
                errors.setdefault("uscc", []).extend([*warning.messages, hint])
        except ValidationError as exc:
            errors.setdefault("uscc", []).extend(exc.messages)
        if "uscc" not in errors:
            clash = Entity.objects.filter(uscc=out["uscc"]).exclude(pk=getattr(entity, "pk", None)).exists()
            if clash:
                errors.setdefault("uscc", []).append(_("该统一社会信用代码已登记，不能重复登记。"))

    if "region_code" in data:
        region = Region.objects.filter(code=data["region_code"] or "").first()
        if region is None:
            errors.setdefault("region_code", []).append(_("区划代码不存在：%(code)s") % {"code": data["region_code"]})
        else:
            require_in_scope(actor, region.code)
            if region.level < Region.Level.TOWNSHIP:
                errors.setdefault("region_code", []).append(_("主体所属区划须为乡镇（街道）或村（社区）。"))
            out["region"] = region
        out.pop("region_code")

    business_type = data.get("business_type", getattr(entity, "business_type", ""))
    sub_type = data.get("sub_type", getattr(entity, "sub_type", ""))
    if sub_type and sub_type not in SUBTYPES_BY_TYPE.get(business_type, []):
        errors.setdefault("sub_type", []).append(_("细分类型与业态不符。"))
    if "department_code" in data:
        out["department_id"] = data["department_code"] or DEFAULT_DEPARTMENT.get(sub_type)
        out.pop("department_code")
    elif entity is None:
        out["department_id"] = DEFAULT_DEPARTMENT.get(sub_type)

    if errors:
        raise ValidationError(errors)
    return out


def _save(entity: Entity, values: dict) -> None:
    for field, value in values.items():
        setattr(entity, field, value)
    entity.duplicate_key = duplicate_key(entity.name, entity.address)
    full_clean_as(entity, exclude=["region", "department"], rename={"region": "region_code"})
    entity.save()


@transaction.atomic
def create_entity(*, actor, override_reason: str = "", **data) -> Entity:
    require_perm(actor, "entities.manage_entities")
    reject_unknown(data, ENTITY_FIELDS)
    if "region_code" not in data:
        raise ValidationError({"region_code": [_("请填写所属区划。")]})
    entity = Entity()
    _save(entity, _clean(actor=actor, data=data, entity=None, override_reason=override_reason))
    audit.record(
        actor=actor, action="entity.create", obj=entity, region_code=entity.region_id, after=audit.snapshot(entity)
    )
    return entity


@transaction.atomic
def update_entity(*, actor, entity: Entity, override_reason: str = "", **changes) -> Entity:
    require_perm(actor, "entities.manage_entities")
    require_in_scope(actor, entity.region_id)
    reject_unknown(changes, ENTITY_FIELDS)
    before = audit.snapshot(entity)
    _save(entity, _clean(actor=actor, data=changes, entity=entity, override_reason=override_reason))
    audit.record(
        actor=actor,
        action="entity.update",
        obj=entity,
        region_code=entity.region_id,
        before=before,
        after=audit.snapshot(entity),
    )
    return entity


@transaction.atomic
def add_license(*, actor, entity: Entity, kind: str, number: str, issued_on=None, expires_on=None) -> License:
    require_perm(actor, "entities.manage_entities")
    require_in_scope(actor, entity.region_id)
    errors = {}
    if kind in (License.Kind.BUSINESS, License.Kind.PRODUCTION):
        try:
            number = validators.validate_license_number(number)
            if validators.license_kind(number) != kind:
                errors["number"] = [_("证照编号与证照类型不符。")]
        except ValidationError as exc:
            errors["number"] = exc.messages
    elif not (number or "").strip():
        errors["number"] = [_("请填写证照编号。")]
    if issued_on and expires_on and expires_on <= issued_on:
        errors["expires_on"] = [_("有效期至必须晚于发证日期。")]
    if not errors and License.objects.filter(kind=kind, number=number).exists():
        errors["number"] = [_("该证照编号已登记。")]
    if errors:
        raise ValidationError(errors)
    lic = License(entity=entity, kind=kind, number=number.strip(), issued_on=issued_on, expires_on=expires_on)
    lic.full_clean()
    lic.save()
    audit.record(actor=actor, action="license.create", obj=lic, region_code=entity.region_id, after=audit.snapshot(lic))
    return lic


@transaction.atomic
def add_key_person(
    *, actor, entity: Entity, role: str, name: str, id_type: str = "resident", id_number: str = "", phone: str = ""
) -> KeyPerson:
    require_perm(actor, "entities.manage_entities")
    require_in_scope(actor, entity.region_id)
    if id_type == KeyPerson.IdType.RESIDENT and id_number:
        try:
            id_number = validators.validate_resident_id(id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from exc
    person = KeyPerson(
        entity=entity, role=role, name=(name or "").strip(), id_type=id_type, id_number=id_number, phone=phone
    )
    person.full_clean()
    person.save()
    snap = audit.snapshot(person, fields=["id", "entity", "role", "name", "id_type"])
    audit.record(actor=actor, action="key_person.create", obj=person, region_code=entity.region_id, after=snap)
    return person


@transaction.atomic
def deregister_entity(*, actor, entity: Entity) -> Entity:
    """注销: the row stays (licences, history and links to inspections keep their subject); only the status
    changes, through update_entity so the same checks and audit apply."""
    if entity.status == Entity.Status.DEREGISTERED:
        require_perm(actor, "entities.manage_entities")
        require_in_scope(actor, entity.region_id)
        return entity
    return update_entity(actor=actor, entity=entity, status=Entity.Status.DEREGISTERED)


def _export_columns() -> list[xlsx.Column]:
    return [
        xlsx.Column(_("主体名称"), 36),
        xlsx.Column(_("统一社会信用代码"), 22),
        xlsx.Column(_("业态"), 12),
        xlsx.Column(_("细分类型"), 16),
        xlsx.Column(_("所属区划"), 14),
        xlsx.Column(_("区划代码"), 14),
        xlsx.Column(_("经营地址"), 36),
        xlsx.Column(_("经营状态"), 10),
        xlsx.Column(_("包保等级"), 10),
        xlsx.Column(_("许可证编号"), 22),
        xlsx.Column(_("许可证有效期至"), 16),
        xlsx.Column(_("负责人"), 10),
        xlsx.Column(_("负责人电话"), 14),
        xlsx.Column(_("经度"), 12),
        xlsx.Column(_("纬度"), 12),
    ]


def _export_rows(entities):
    """One row per entity; the licence shown is the one valid longest, the person the principal (else the
    legal representative). Phone numbers are always masked: a file leaves the system's access control."""
    labels = {
        field: {value: str(label) for value, label in choices}
        for field, choices in (
            ("business_type", BusinessType.choices),
            ("sub_type", SubType.choices),
            ("status", Entity.Status.choices),
        )
    }
    rank = {KeyPerson.Role.PRINCIPAL: 0, KeyPerson.Role.LEGAL_REPRESENTATIVE: 1}
    for e in entities:
        licence = e.export_licenses[0] if e.export_licenses else None
        person = min(e.export_people, key=lambda p: rank.get(p.role, 9), default=None)
        yield (
            e.name,
            e.uscc,
            labels["business_type"].get(e.business_type, e.business_type),
            labels["sub_type"].get(e.sub_type, e.sub_type),
            e.region.name,
            e.region_id,
            e.address,
            labels["status"].get(e.status, e.status),
            e.baobao_grade,
            licence.number if licence else None,
            licence.expires_on if licence else None,
            person.name if person else None,
            mask_phone(person.phone) if person and person.phone else None,
            e.longitude,
            e.latitude,
        )


def export_entities(*, actor, output, region_code: str | None = None, **filters) -> int:
    """Write the entity list the actor sees, with the list page's filters, as xlsx to `output` (streamed in
    chunks, so a province's million rows fit in constant memory) and audit who exported what: the file
    holds personal data (PIPL). Returns the number of rows."""
    rows = selectors.entity_export(user=actor, region_code=region_code, **filters).iterator(chunk_size=2000)
    count = xlsx.write_xlsx(output, _export_columns(), _export_rows(rows), sheet_name=_("市场主体"))
    audit.record(
        actor=actor,
        action="entity.export",
        object_type="entities.entity",
        object_repr=_("市场主体清单"),
        region_code=region_code or scope_prefix(actor) or "",
        after={"count": count, "format": "xlsx", "filters": {k: v for k, v in filters.items() if v not in ("", None)}},
    )
    return count
