"""What a ledger's rows mean: validation against the domain rules and the database, then the writes.

An importer walks a read :class:`~shian.ledgers.reading.Sheet` in two steps. ``plan`` checks every row
(identifiers, regions inside the importer's jurisdiction, references, duplicates in the file) with a few
set-based queries, never one per row, and decides for each good row whether it creates a record, updates
one (the fields that differ) or changes nothing. ``apply`` performs a plan with bulk writes and returns
the per-row outcome (:class:`Written`) that the batch keeps for rollback. Services own transactions,
audit and batches; importers only know their ledger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from shian.accounts.models import Department
from shian.baobao.models import REGION_LEVEL_OF, Cadre
from shian.core.audit import json_value
from shian.core.bulk import chunked
from shian.core.jurisdiction import scope_prefix
from shian.entities import validators
from shian.entities.models import SUBTYPES_BY_TYPE, Entity, License
from shian.entities.services import DEFAULT_DEPARTMENT, duplicate_key
from shian.regions.models import Region

from .reading import CellError, Row, Sheet
from .specs import ASSIGNMENTS, CADRES, ENTITIES, PERSONNEL


@dataclass
class Change:
    """One record a row writes: a new instance, or an existing one with the fields that change."""

    row: int
    instance: Model
    fields: dict = field(default_factory=dict)  # field -> new value (updates only)
    created: bool = False


@dataclass
class Plan:
    """What committing the sheet would do, and what is wrong with it."""

    rows: int
    errors: list[CellError]
    changes: list[Change] = field(default_factory=list)  # in row order; children after their parent
    unchanged: set[int] = field(default_factory=set)  # row numbers that change nothing

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors}

    def row_actions(self, skip: set[int] = frozenset()) -> Counter:
        """Rows that create a record and rows that only update, by their first change."""
        first = {}
        for change in self.changes:
            if change.row not in skip:
                first.setdefault(change.row, "created" if change.created else "updated")
        return Counter(first.values())


@dataclass(frozen=True)
class Written:
    """The outcome of one write, kept on the batch: enough to undo it."""

    row: int
    action: str  # "created" | "updated"
    object_type: str
    object_id: str
    before: dict | None


def _lookup(queryset, field_name: str, keys: Iterable) -> dict:
    """{key: object} for the keys present in the database, in chunked IN queries."""
    found = {}
    for chunk in chunked({k for k in keys if k}):
        found.update({getattr(o, field_name): o for o in queryset.filter(**{f"{field_name}__in": chunk})})
    return found


def _regions(codes: Iterable[str]) -> dict[str, int]:
    """{code: level} of the codes that exist."""
    found = {}
    for chunk in chunked({c for c in codes if c}):
        found.update(Region.objects.filter(code__in=chunk).values_list("code", "level"))
    return found


def _departments() -> dict[str, str]:
    """Department code by its code or name, for a free-text 部门 cell."""
    out = {}
    for code, name in Department.objects.values_list("code", "name"):
        out[code], out[name] = code, code
    return out


def _model_label(instance: Model) -> str:
    return instance._meta.label_lower


class Importer:
    """One ledger kind. Subclasses implement ``check_row`` (cell and row rules, returning the changes) and
    may prepare lookups in ``prepare``; the base class does file duplicates, jurisdiction and the writes."""

    spec = None

    def __init__(self, sheet: Sheet, actor):
        self.sheet, self.actor = sheet, actor
        self.scope = scope_prefix(actor) or ""
        self.errors: list[CellError] = list(sheet.errors)
        self.failed = sheet.error_cells()
        self.failed_rows = {number for number, _key in self.failed}

    # -- helpers for subclasses ---------------------------------------------------------------------------

    def error(self, row: Row, key: str, code: str, message: str) -> None:
        if (row.number, key) not in self.failed:
            self.failed.add((row.number, key))
            self.failed_rows.add(row.number)
            self.errors.append(self.sheet.cell_error(row.number, key, code, message, row.get(key)))

    def check(self, row: Row, key: str, validator: Callable, code: str = "format"):
        """Run an entities validator on a cell; its message becomes the cell's error."""
        value = row.get(key)
        if value in (None, ""):
            return value
        try:
            return validator(value)
        except validators.ChecksumWarning as warning:
            self.error(row, key, "checksum", "；".join(warning.messages))
        except ValidationError as exc:
            self.error(row, key, code, "；".join(exc.messages))
        return None

    def region(self, row: Row, key: str, levels: set[int]) -> str | None:
        """A region code that exists, sits at one of `levels` and lies inside the importer's jurisdiction."""
        code = row.get(key)
        if not code:
            return None
        level = self.region_levels.get(code)
        if level is None:
            self.error(row, key, "region", _("区划代码不存在：%(code)s") % {"code": code})
        elif not code.startswith(self.scope):
            self.error(row, key, "region", _("区划 %(code)s 不在您的管辖范围内。") % {"code": code})
        elif level not in levels:
            self.error(row, key, "region", _("区划代码的层级不符合本列要求：%(code)s") % {"code": code})
        else:
            return code
        return None

    def duplicates(self, keys: Iterable[str]) -> None:
        """A key that appears on two rows of the file: both rows are wrong until the clerk decides."""
        for key in keys:
            seen = Counter(row.get(key) for row in self.sheet.rows if row.get(key))
            for row in self.sheet.rows:
                if seen.get(row.get(key), 0) > 1:
                    first = next(r.number for r in self.sheet.rows if r.get(key) == row.get(key))
                    if first != row.number:
                        self.error(row, key, "duplicate", _("与第 %(row)d 行重复。") % {"row": first})

    def one_of(self, row: Row) -> bool:
        for group in self.spec.one_of:
            if not any(row.get(key) for key in group):
                for key in group:
                    headers = "、".join(self.sheet.header(k) for k in group)
                    self.error(row, key, "required", _("%(headers)s 至少填写一项。") % {"headers": headers})
                return False
        return True

    @staticmethod
    def diff(instance: Model, values: dict) -> dict:
        """The fields whose value differs from the instance's. Text differing only in surrounding spaces (which
        the reader trims) is the same text, so a ledger exported and imported back changes nothing."""

        def same(old, new) -> bool:
            if isinstance(old, str) and isinstance(new, str):
                return old.strip() == new.strip()
            return old == new

        return {name: value for name, value in values.items() if not same(getattr(instance, name), value)}

    # -- the two steps ------------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Set-based lookups for the whole sheet (regions, existing records)."""

    def check_row(self, row: Row) -> list[Change]:
        raise NotImplementedError

    def plan(self, progress: Callable[[int], None] = lambda n: None) -> Plan:
        self.prepare()
        changes, unchanged = [], set()
        for done, row in enumerate(self.sheet.rows, 1):
            progress(done)
            if not self.one_of(row):
                continue
            row_changes = self.check_row(row)
            if row.number in self.failed_rows:
                continue
            if row_changes:
                changes.extend(row_changes)
            else:
                unchanged.add(row.number)
        return Plan(rows=len(self.sheet.rows), errors=self.errors, changes=changes, unchanged=unchanged)

    @staticmethod
    def apply(changes: list[Change], progress: Callable[[int], None] = lambda n: None) -> list[Written]:
        """Write the changes in bulk, parents first. A child created under a parent created here (a new
        entity's licence) is not listed: undoing the parent's creation removes it too."""
        written: list[Written] = []
        created: set[int] = set()
        by_model: dict[type, tuple[list[Change], list[Change]]] = {}
        for change in changes:
            creates, updates = by_model.setdefault(type(change.instance), ([], []))
            (creates if change.created else updates).append(change)
        for model, (creates, updates) in by_model.items():
            orphans = []
            for change in creates:
                parents = list(change.fields.items())
                for name, parent in parents:  # link a child to its parent, saved above
                    setattr(change.instance, name, parent)
                if not any(id(parent) in created for _name, parent in parents):
                    orphans.append(change)
            for chunk in chunked(creates, 2000):
                model.objects.bulk_create([c.instance for c in chunk])
                created.update(id(c.instance) for c in chunk)
                progress(len(chunk))
            written += [Written(c.row, "created", _model_label(c.instance), str(c.instance.pk), None) for c in orphans]
            for chunk in chunked(updates, 2000):
                names = sorted({name for c in chunk for name in c.fields})
                for c in chunk:
                    before = {name: json_value(getattr(c.instance, name)) for name in c.fields}
                    written.append(Written(c.row, "updated", _model_label(c.instance), str(c.instance.pk), before))
                    for name, value in c.fields.items():
                        setattr(c.instance, name, value)
                model.objects.bulk_update([c.instance for c in chunk], names)
                progress(len(chunk))
        return written


# --------------------------------------------------------------------------------------------------- entities

_ENTITY_FIELDS = (
    "name", "uscc", "business_type", "sub_type", "address", "status", "floor_area", "diners", "sales_band",
    "longitude", "latitude",
)  # fmt: skip


class EntityImporter(Importer):
    """主体台账: an entity by USCC (else by its licence number), with one licence per row."""

    spec = ENTITIES

    def prepare(self):
        rows = self.sheet.rows
        self.region_levels = _regions(r.get("region_code") for r in rows)
        self.departments = _departments()
        self.by_uscc = _lookup(Entity.objects.all(), "uscc", (r.get("uscc") for r in rows))
        self.licenses = _lookup(
            License.objects.select_related("entity"), "number", (r.get("license_number") for r in rows)
        )
        self.duplicates(["uscc", "license_number"])

    @staticmethod
    def _license_kind(row: Row, number: str) -> str:
        return row.get("license_kind") or number[:2]

    def _license_number(self, row: Row) -> str | None:
        """JY and SC numbers by their format (DOMAIN §3.4); 三小 registrations and filings are local free text,
        so their kind must be given."""
        number, kind = row.get("license_number"), row.get("license_kind")
        if not number:
            return None
        if kind in (License.Kind.BUSINESS, License.Kind.PRODUCTION) or (not kind and number[:2] in ("JY", "SC")):
            number = self.check(row, "license_number", validators.validate_license_number)
            if number and kind and number[:2] != kind:
                self.error(row, "license_number", "format", _("证照编号与证照类型不符。"))
            return number
        if not kind:
            self.error(row, "license_kind", "required", _("编号不是 JY/SC 许可证，请填写证照类型。"))
            return None
        return number

    def _uscc(self, row: Row) -> str | None:
        """A checksum mismatch stands when the registry already holds that code with a recorded exception
        (an authorised user confirmed it against the licence, DOMAIN §3.2)."""
        value = row.get("uscc")
        if value and (known := self.by_uscc.get(value)) is not None and known.uscc_override_reason:
            return value
        return self.check(row, "uscc", validators.validate_uscc)

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


# ---------------------------------------------------------------------------------------------------- cadres

_CADRE_FIELDS = ("name", "phone", "level", "position", "is_regulator", "capacity", "status")


class CadreImporter(Importer):
    """包保干部台账: a cadre by ID number, at a level that matches the level of their region."""

    spec = CADRES

    def prepare(self):
        rows = self.sheet.rows
        self.region_levels = _regions(r.get("region_code") for r in rows)
        self.departments = _departments()
        self.by_id = _lookup(Cadre.objects.all(), "id_number", (r.get("id_number") for r in rows))
        self.duplicates(["id_number"])

    def check_row(self, row: Row) -> list[Change]:
        id_number = self.check(row, "id_number", validators.validate_resident_id)
        self.check(row, "phone", validators.validate_phone)
        level = row.get("level")
        wanted = {REGION_LEVEL_OF[level]} if level in REGION_LEVEL_OF else set(Region.Level.values)
        region = self.region(row, "region_code", wanted)
        cadre = self.by_id.get(id_number)
        if cadre is not None and not cadre.region_id.startswith(self.scope):
            self.error(row, "id_number", "region", _("该干部已登记在您的管辖范围以外。"))
        if row.number in self.failed_rows:
            return []
        values = {key: row.get(key) for key in _CADRE_FIELDS if key in self.sheet.headers}
        values = {k: ("" if v is None and k in ("phone", "position") else v) for k, v in values.items()}
        if values.get("phone"):
            values["phone"] = validators.validate_phone(values["phone"])
        values.setdefault("is_regulator", False)
        if values.get("is_regulator") is None:
            values["is_regulator"] = False
        if not values.get("status"):
            values["status"] = cadre.status if cadre else Cadre.Status.ACTIVE
        values["region_id"] = region
        if "department" in self.sheet.headers:
            values["department_id"] = self.departments.get(row.get("department") or "")
        if cadre is None:
            return [Change(row.number, Cadre(id_number=id_number, **values), created=True)]
        fields = self.diff(cadre, values)
        return [Change(row.number, cadre, fields)] if fields else []


IMPORTERS: dict[str, type[Importer]] = {"entities": EntityImporter, "cadres": CadreImporter}
# 包保关系台账 and 食品安全管理人员台账 are read and templated (specs) but not imported yet.
NOT_YET = {ASSIGNMENTS.kind, PERSONNEL.kind}
