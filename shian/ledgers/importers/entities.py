"""主体台账: the registry's entities with their licences, by USCC or licence number.

A file without region codes (an export of the national 包保 platform carries an address instead) has each
entity's township or village read from its address (:mod:`shian.regions.addresses`, one index of the
importer's jurisdiction per file): an address that names one region fills it, one that could lie in several
or names none is a cell error naming the candidates, for the clerk to confirm.

The 包保等级 column is the grade the ledger declares. An entity not yet graded keeps it as its grade until the first
grading (`Entity.declared_grade`); for a graded entity whose grade differs, the file's grade becomes a manual
adjustment (override) naming the file as its reason, which later gradings keep until someone clears it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from shian.baobao.models import EntityGrade
from shian.entities.models import SUBTYPES_BY_TYPE, Entity, License
from shian.entities.services import DEFAULT_DEPARTMENT, duplicate_key
from shian.imports.importer import Change, lookup, new_instance
from shian.imports.reading import Row
from shian.regions.addresses import AddressIndex, Resolution, address_index
from shian.regions.models import Region

from ..specs import ENTITIES
from .base import LedgerImporter, departments, region_levels

_ENTITY_FIELDS = (
    "name", "uscc", "business_type", "sub_type", "address", "status", "floor_area", "diners", "sales_band",
    "longitude", "latitude",
)  # fmt: skip
_FORMATTED_KINDS = (License.Kind.BUSINESS, License.Kind.PRODUCTION)  # numbers checked by their format
_OPERATING = Entity.Status.OPERATING
ADDRESS_CANDIDATES_SHOWN = 5  # an ambiguous address's error names this many candidate regions, then "等 N 处"


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
        self.gradings: dict[int, EntityGrade] = {}
        if "baobao_grade" in self.sheet.headers:
            known = {e.pk for e in self.by_uscc.values()} | {lic.entity_id for lic in self.licenses.values()}
            self.gradings = lookup(EntityGrade.objects.all(), "entity_id", known)
        self.duplicates(["uscc", "license_number"])
        self.fields = [key for key in _ENTITY_FIELDS if key in self.sheet.headers]
        self.blank_fields = [key for key in ("uscc", "sub_type", "sales_band") if key in self.fields]
        self.has_department = "department" in self.sheet.headers
        self.decimals = [key for key in ("floor_area", "longitude", "latitude") if key in self.fields]
        self.addresses: AddressIndex | None = None
        if any(not r.get("region_code") and r.get("address") for r in rows):
            self.addresses = address_index(user=self.actor)

    @staticmethod
    def _license_kind(row: Row, number: str) -> str:
        return row.get("license_kind") or number[:2]

    def _license_number(self, row: Row) -> str | None:
        """JY and SC numbers by their format (docs/domain.md §3.4); 三小 registrations and filings are local free text,
        so their kind must be given."""
        number, kind = row.get("license_number"), row.get("license_kind")
        if not number:
            return None
        if kind in _FORMATTED_KINDS or (not kind and number[:2] in ("JY", "SC")):
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
        region = self._region(row, entity)
        if row.number in self.failed_rows:
            return []
        values = {key: row.get(key) for key in self.fields}
        for key in self.blank_fields:
            if values[key] is None:
                values[key] = ""
        values["uscc"] = uscc or values.get("uscc", "") or (entity.uscc if entity else "")
        if not values.get("status"):
            values["status"] = entity.status if entity else _OPERATING
        for key in self.decimals:
            if isinstance(values[key], Decimal):
                values[key] = values[key].quantize(Decimal("0.1") if key == "floor_area" else Decimal("0.000001"))
        values["region_id"] = region
        if self.has_department:
            values["department_id"] = (
                self.departments.get(department) if department else DEFAULT_DEPARTMENT.get(sub_type)
            )
        grade = row.get("baobao_grade")
        grading = self.gradings.get(entity.pk) if entity is not None else None
        if grade and grading is None:
            values["declared_grade"] = grade
        changes = []
        if entity is None:
            entity = new_instance(Entity, values)
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
                created = new_instance(License, {"number": number, **dates})
                changes.append(Change(row.number, created, {"entity": entity}, created=True))
            elif fields := self.diff(license, dates):
                changes.append(Change(row.number, license, fields))
        if grade and grading is not None and grading.grade != grade:
            reason = _("主体台账“%(file)s”登记为 %(grade)s 级") % {"file": self.sheet.filename[:150], "grade": grade}
            adjust = {"override_grade": grade, "override_reason": reason, "overridden_by_id": self.actor.pk}
            changes.append(Change(row.number, grading, {**adjust, "grade": grade}))
        return changes

    def _region(self, row: Row, entity: Entity | None) -> str | None:
        """The row's region code, or without one the township or village its address names. A registered
        entity keeps its own region when the address agrees with it (names it, a region above it, or it among
        the candidates), so a platform file imported again does not coarsen a village to its township."""
        if row.get("region_code") or (row.number, "region_code") in self.failed:
            return self.region(row, "region_code", {Region.Level.TOWNSHIP, Region.Level.VILLAGE})
        address = row.get("address")
        if not address or self.addresses is None:
            return None  # the reader reported the empty address
        found = self.addresses.resolve(address)
        known = entity.region_id if entity is not None and entity.region_id.startswith(self.scope) else None
        if found.region is not None:
            if known and known.startswith(found.region.code):
                return known
            if found.region.level >= Region.Level.TOWNSHIP:
                return found.region.code
        elif known and any(known.startswith(place.code) for place in found.candidates):
            return known
        self._address_error(row, address, found)
        return None

    def _address_error(self, row: Row, address: str, found: Resolution) -> None:
        key = "region_code" if "region_code" in self.sheet.positions else "address"
        if found.candidates:
            shown = found.candidates[:ADDRESS_CANDIDATES_SHOWN]
            names = "、".join(f"{place.path}（{place.code}）" for place in shown)
            if len(found.candidates) > len(shown):
                names += _("等 %(n)d 处") % {"n": len(found.candidates)}
            message = _(
                "请确认所属区划：地址“%(address)s”可能属于 %(candidates)s；"
                "请在地址中写明乡镇（街道）和村（社区），或填写“区划代码”列"
            ) % {"address": address, "candidates": names}
            self.error(row, key, "address_ambiguous", message)
        elif found.region is not None:
            message = _(
                "地址“%(address)s”只能识别到%(place)s，没有写明乡镇（街道）；请补全地址，或填写“区划代码”列"
            ) % {"address": address, "place": found.region.name}
            self.error(row, key, "address_unknown", message)
        else:
            message = _(
                "无法从地址“%(address)s”识别所属区划：其中没有您辖区内的乡镇（街道）或村（社区）名称；"
                "请补全地址，或填写“区划代码”列"
            ) % {"address": address}
            self.error(row, key, "address_unknown", message)
