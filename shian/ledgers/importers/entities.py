"""主体台账: the registry's entities with their licences, by USCC or licence number."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from shian.entities.models import SUBTYPES_BY_TYPE, Entity, License
from shian.entities.services import DEFAULT_DEPARTMENT, duplicate_key
from shian.imports.importer import Change, lookup
from shian.imports.reading import Row
from shian.regions.models import Region

from ..specs import ENTITIES
from .base import LedgerImporter, departments, region_levels

_ENTITY_FIELDS = (
    "name", "uscc", "business_type", "sub_type", "address", "status", "floor_area", "diners", "sales_band",
    "longitude", "latitude",
)  # fmt: skip


class EntityImporter(LedgerImporter):
    """主体台账: an entity by USCC (else by its licence number), with one licence per row."""

    spec = ENTITIES

    def prepare(self):
        rows = self.sheet.rows
        self.region_levels = region_levels(r.get("region_code") for r in rows)
        self.departments = departments()
        self.by_uscc = lookup(Entity.objects.all(), "uscc", (r.get("uscc") for r in rows))
        self.licenses = lookup(
            License.objects.select_related("entity"), "number", (r.get("license_number") for r in rows)
        )
        self.duplicates(["uscc", "license_number"])

    @staticmethod
    def _license_kind(row: Row, number: str) -> str:
        return row.get("license_kind") or number[:2]

    def _license_number(self, row: Row) -> str | None:
        """JY and SC numbers by their format (docs/domain.md §3.4); 三小 registrations and filings are local free text,
        so their kind must be given."""
        number, kind = row.get("license_number"), row.get("license_kind")
        if not number:
            return None
        if kind in (License.Kind.BUSINESS, License.Kind.PRODUCTION) or (not kind and number[:2] in ("JY", "SC")):
            number = self.check(row, "license_number")
            if number and kind and number[:2] != kind:
                self.error(row, "license_number", "format", _("证照编号与证照类型不符。"))
            return number
        if not kind:
            self.error(row, "license_kind", "required", _("编号不是 JY/SC 许可证，请填写证照类型。"))
            return None
        return number

    def _uscc(self, row: Row) -> str | None:
        """A checksum mismatch stands when the registry already holds that code with a recorded exception
        (an authorised user confirmed it against the licence, docs/domain.md §3.2)."""
        value = row.get("uscc")
        if value and (known := self.by_uscc.get(value)) is not None and known.uscc_override_reason:
            return value
        return self.check(row, "uscc")

    def check_row(self, row: Row) -> list[Change]:
        uscc = self._uscc(row)
        number = self._license_number(row)
        region = self.region(row, "region_code", {Region.Level.TOWNSHIP, Region.Level.VILLAGE})
        business_type, sub_type = row.get("business_type"), row.get("sub_type") or ""
        if sub_type and business_type and sub_type not in SUBTYPES_BY_TYPE.get(business_type, []):
            self.error(row, "sub_type", "enum", _("细分类型与业态不符。"))
        department = row.get("department")
        if department and department not in self.departments:
            self.error(row, "department", "enum", _("未知的行业主管部门：%(name)s") % {"name": department})
        issued, expires = row.get("license_issued_on"), row.get("license_expires_on")
        if issued and expires and expires <= issued:
            self.error(row, "license_expires_on", "date", _("有效期至须晚于发证日期。"))
        if (issued or expires or row.get("license_kind")) and not number:
            self.error(row, "license_number", "required", _("填写了证照信息，但缺少许可证编号。"))
        for key, low, high in (("longitude", 73, 136), ("latitude", 3, 54)):
            if row.get(key) is not None and not low <= row[key] <= high:
                self.error(row, key, "format", _("坐标不在中国境内。"))
        license = self.licenses.get(number)
        entity = self.by_uscc.get(uscc) or (license.entity if license else None)
        if entity is not None and uscc and entity.uscc and entity.uscc != uscc:
            self.error(
                row,
                "license_number",
                "conflict",
                _("该许可证已登记在另一主体（%(name)s）名下。") % {"name": entity.name},
            )
        if entity is not None and not entity.region_id.startswith(self.scope):
            self.error(row, "uscc" if uscc else "license_number", "region", _("该主体已登记在您的管辖范围以外。"))
        if row.number in self.failed_rows:
            return []
        values = {key: row.get(key) for key in _ENTITY_FIELDS if key in self.sheet.headers}
        values = {k: ("" if v is None and k in ("uscc", "sub_type", "sales_band") else v) for k, v in values.items()}
        values["uscc"] = uscc or values.get("uscc", "") or (entity.uscc if entity else "")
        if not values.get("status"):
            values["status"] = entity.status if entity else Entity.Status.OPERATING
        for key in ("floor_area", "longitude", "latitude"):
            if isinstance(values.get(key), Decimal):
                values[key] = values[key].quantize(Decimal("0.1") if key == "floor_area" else Decimal("0.000001"))
        values["region_id"] = region
        if "department" in self.sheet.headers:
            values["department_id"] = (
                self.departments.get(department) if department else DEFAULT_DEPARTMENT.get(sub_type)
            )
        if row.get("baobao_grade"):
            values["baobao_grade"] = row["baobao_grade"]
        changes = []
        if entity is None:
            entity = Entity(**values)
            entity.duplicate_key = duplicate_key(entity.name, entity.address)
            changes.append(Change(row.number, entity, created=True))
        else:
            fields = self.diff(entity, values)
            if {"name", "address"} & set(fields):
                fields["duplicate_key"] = duplicate_key(
                    fields.get("name", entity.name), fields.get("address", entity.address)
                )
            if fields:
                changes.append(Change(row.number, entity, fields))
        if number:
            dates = {"kind": self._license_kind(row, number), "issued_on": issued, "expires_on": expires}
            if license is None:
                created = License(number=number, **dates)
                changes.append(Change(row.number, created, {"entity": entity}, created=True))
            elif fields := self.diff(license, dates):
                changes.append(Change(row.number, license, fields))
        return changes
