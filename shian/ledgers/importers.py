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
from django.db.models import Count, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Department
from shian.baobao.models import REGION_LEVEL_OF, AssignmentRun, Cadre, CadreLevel, Guarantee, Policy
from shian.core.audit import json_value
from shian.core.bulk import chunked, insert_many
from shian.core.jurisdiction import narrow_to, scope_prefix
from shian.entities import validators
from shian.entities.models import SUBTYPES_BY_TYPE, Entity, KeyPerson, License
from shian.entities.services import DEFAULT_DEPARTMENT, duplicate_key
from shian.regions.models import Region

from .reading import CellError, Row, Sheet
from .specs import ASSIGNMENTS, CADRES, ENTITIES, PERSONNEL, choice_text

# Change.row of a record the whole file needs rather than one row (the assignment run): written first, counted
# for no row.
FILE_ROW = 0


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
            if change.row not in skip and change.row != FILE_ROW:
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
                insert_many(model, [c.instance for c in chunk])
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
        """JY and SC numbers by their format (docs/domain.md §3.4); 三小 registrations and filings are local free text,
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
        (an authorised user confirmed it against the licence, docs/domain.md §3.2)."""
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


# ---------------------------------------------------------------------------------- ledgers that name entities


def policies_for(codes: Iterable[str]) -> dict[str, Policy]:
    """:func:`shian.baobao.grading.policy_for` of many regions with one query: for each code, the newest version
    of the most specific policy whose region contains it (the table holds a few rows per province)."""
    policies = list(Policy.objects.all())
    return {
        code: max(
            (p for p in policies if code.startswith(p.region_id or "")),
            key=lambda p: (len(p.region_id or ""), p.version),
        )
        for code in set(codes)
    }


class _EntityLedger(Importer):
    """A ledger whose rows name a registered entity by USCC (else licence number) and repeat its name as a check
    (docs/domain.md §4.6: mismatched ledgers). An entity outside the importer's jurisdiction reads as unknown, so a file
    cannot probe what lies beyond it (docs/architecture.md §3.1)."""

    def prepare(self):
        rows = self.sheet.rows
        entities = narrow_to(Entity.objects.all(), self.scope)
        self.by_uscc = _lookup(entities, "uscc", (r.get("entity_uscc") for r in rows))
        licenses = narrow_to(License.objects.select_related("entity"), self.scope, "entity__region")
        self.licenses = _lookup(licenses, "number", (r.get("entity_license") for r in rows))

    def named_entities(self) -> dict[int, Entity]:
        """The entities the file names, by primary key."""
        found = {lic.entity_id: lic.entity for lic in self.licenses.values()}
        found.update((e.pk, e) for e in self.by_uscc.values())
        return found

    def entity(self, row: Row) -> Entity | None:
        uscc, number = row.get("entity_uscc"), row.get("entity_license")
        license = self.licenses.get(number)
        entity = self.by_uscc.get(uscc) or (license.entity if license else None)
        if entity is None:
            key = "entity_uscc" if uscc else "entity_license"
            self.error(row, key, "reference", _("主体台账中没有该主体，或该主体不在您的管辖范围内。"))
            return None
        if uscc and entity.uscc and entity.uscc != uscc:  # found by its licence, registered under another code
            message = _("该许可证登记在统一社会信用代码为 %(uscc)s 的主体名下。") % {"uscc": entity.uscc}
            self.error(row, "entity_uscc", "conflict", message)
        elif number and (license is None or license.entity_id != entity.pk):
            self.error(row, "entity_license", "conflict", _("主体台账中该主体没有这个许可证编号。"))
        name = row.get("entity_name")
        if name and choice_text(name) != choice_text(entity.name):  # full- and half-width brackets are the same
            message = _("名称与主体台账不一致（主体台账为“%(name)s”）。") % {"name": entity.name}
            self.error(row, "entity_name", "mismatch", message)
        return entity


# ------------------------------------------------------------------------------------------------ assignments


class AssignmentImporter(_EntityLedger):
    """包保关系台账: which cadre guarantees each registered entity, and the regulator who supports the visits. A
    row must keep the hard rules the assignment engine keeps (docs/domain.md §4.4): an active cadre of the level the
    entity's grade calls for, whose region contains the entity's, within the cadre's workload."""

    spec = ASSIGNMENTS

    def prepare(self):
        super().prepare()
        rows = self.sheet.rows
        ids = (r.get(key) for r in rows for key in ("cadre_id_number", "supporter_id_number"))
        # cadres of the jurisdiction and of the regions above it: a city leader guarantees A-grade entities in a county
        self.cadres = {
            number: cadre
            for number, cadre in _lookup(Cadre.objects.all(), "id_number", ids).items()
            if cadre.region_id.startswith(self.scope) or self.scope.startswith(cadre.region_id)
        }
        entities = self.named_entities()
        self.current: dict[int, Guarantee] = {}
        for chunk in chunked(entities):
            # the run's pk only: apply records the run a guarantee leaves, and the run's JSON can be large
            current = (
                Guarantee.objects.filter(entity_id__in=chunk)
                .select_related("run")
                .only("cadre", "supporter", "since", "run__id")
            )
            self.current.update((g.entity_id, g) for g in current)
        # A cadre's load once the file is in: its guarantees of entities the file does not name, plus its good rows.
        # (With skip_invalid, an entity whose row is refused keeps its old cadre, who may end one over the limit.)
        self.load = Counter()
        for chunk in chunked({cadre.pk for cadre in self.cadres.values()}):
            counts = Guarantee.objects.filter(cadre_id__in=chunk).values_list("cadre_id").annotate(n=Count("pk"))
            self.load.update(dict(counts.order_by()))
        self.load.subtract(g.cadre_id for g in self.current.values())
        regions = {e.region_id for e in entities.values()} | {c.region_id for c in self.cadres.values()}
        self.policies = policies_for(regions)
        self.seen: dict[int, int] = {}  # entity pk -> first row naming it
        self.province = ""  # the one province of a file imported by an account above the provinces
        self.today = timezone.localdate()
        self.run = AssignmentRun(
            status=AssignmentRun.Status.PUBLISHED,
            params={"source": "ledger", "batch": self.sheet.filename},
            created_by=self.actor,
            published_by=self.actor,
            published_at=timezone.now(),
        )
        self.duplicates(["entity_uscc", "entity_license"])

    def plan(self, progress: Callable[[int], None] = lambda n: None) -> Plan:
        """The guarantees a file writes belong to one published run (Guarantee.run is required), made only when the
        file changes something and listed as its first change, so ``apply`` saves it before the guarantees that
        point to it and a rollback deletes it after restoring them. The run is set on each new guarantee instead
        of being passed as a parent in ``Change.fields``: ``apply`` records no child of a parent it created, and
        a rollback could then not delete those guarantees, nor (PROTECT) their run."""
        plan = super().plan(progress)
        if plan.changes:
            self.run.region_id = self.actor.region_id or self.province
            plan.changes.insert(0, Change(FILE_ROW, self.run, created=True))
        return plan

    def _cadre(self, row: Row, key: str, name_key: str) -> Cadre | None:
        """The active cadre a row names by ID number, cross-checked by name."""
        id_number = self.check(row, key, validators.validate_resident_id)
        if not id_number:
            return None
        cadre = self.cadres.get(id_number)
        if cadre is None:
            self.error(row, key, "reference", _("包保干部台账中没有该身份证号，或该干部不在您的管辖范围内。"))
            return None
        if cadre.status != Cadre.Status.ACTIVE:
            self.error(row, key, "reference", _("%(name)s 已离岗，不能再承担包保。") % {"name": cadre.name})
        name = row.get(name_key)
        if name and choice_text(name) != choice_text(cadre.name):
            message = _("姓名与包保干部台账不一致（台账为“%(name)s”）。") % {"name": cadre.name}
            self.error(row, name_key, "mismatch", message)
        return cadre

    def _check_entity(self, row: Row, entity: Entity) -> None:
        key = "entity_uscc" if row.get("entity_uscc") else "entity_license"
        first = self.seen.setdefault(entity.pk, row.number)
        if first != row.number:  # one row names it by USCC, the other by licence: `duplicates` compares cells
            self.error(row, key, "duplicate", _("与第 %(row)d 行是同一主体。") % {"row": first})
        if entity.status == Entity.Status.DEREGISTERED:
            self.error(row, key, "reference", _("该主体已注销，不再安排包保。"))
        if not self.actor.region_id:  # the file's run covers one region
            self.province = self.province or entity.region_id[:2]
            if not entity.region_id.startswith(self.province):
                self.error(row, key, "region", _("一个文件只能导入一个省的包保关系，请按省分别导入。"))
        grade = row.get("grade")
        if grade and entity.baobao_grade and grade != entity.baobao_grade:
            message = _("包保等级与主体台账不一致（主体台账为 %(grade)s 级）。") % {"grade": entity.baobao_grade}
            self.error(row, "grade", "mismatch", message)

    def _check_pair(self, row: Row, entity: Entity, cadre: Cadre) -> None:
        """The cadre's level is the one the policy in force where the entity is gives its grade, and the cadre's
        region contains the entity's."""
        grade = entity.baobao_grade or row.get("grade")
        if not grade:
            return
        wanted = self.policies[entity.region_id].level_for_grade.get(grade)
        if cadre.level != wanted:
            levels = dict(CadreLevel.choices)
            message = _("%(grade)s 级主体应由%(wanted)s干部包保，该干部为%(level)s。") % {
                "grade": grade,
                "wanted": levels.get(wanted, wanted),
                "level": levels.get(cadre.level, cadre.level),
            }
            self.error(row, "cadre_id_number", "level", message)
        elif not entity.region_id.startswith(cadre.region_id):
            message = _("主体所在区划 %(entity)s 不在该干部的包保区划 %(cadre)s 内。") % {
                "entity": entity.region_id,
                "cadre": cadre.region_id,
            }
            self.error(row, "cadre_id_number", "region", message)

    def _limit(self, cadre: Cadre) -> int | None:
        """How many entities the cadre may guarantee: its own limit, else the policy's for its level."""
        if cadre.capacity is not None:
            return cadre.capacity
        return self.policies[cadre.region_id].capacity.get(cadre.level)

    def check_row(self, row: Row) -> list[Change]:
        entity = self.entity(row)
        cadre = self._cadre(row, "cadre_id_number", "cadre_name")
        supporter = self._cadre(row, "supporter_id_number", "supporter_name")
        if supporter is not None and not supporter.is_regulator:
            message = _("%(name)s 在包保干部台账中不是监管人员，不能作为监管保障。") % {"name": supporter.name}
            self.error(row, "supporter_id_number", "reference", message)
        if entity is not None:
            self._check_entity(row, entity)
            if cadre is not None:
                self._check_pair(row, entity, cadre)
        if row.number in self.failed_rows:
            return []
        limit = self._limit(cadre)
        if limit is not None and self.load[cadre.pk] >= limit:
            message = _("超过包保上限：该干部最多包保 %(limit)d 户，本行为第 %(n)d 户。") % {
                "limit": limit,
                "n": self.load[cadre.pk] + 1,
            }
            self.error(row, "cadre_id_number", "capacity", message)
            return []
        self.load[cadre.pk] += 1
        supporter_id = supporter.pk if supporter else None
        since = row.get("since") or self.today
        current = self.current.get(entity.pk)
        if current is None:
            guarantee = Guarantee(entity=entity, cadre=cadre, supporter_id=supporter_id, run=self.run, since=since)
            return [Change(row.number, guarantee, created=True)]
        fields = self.diff(current, {"cadre_id": cadre.pk, "supporter_id": supporter_id})
        if not fields:
            return []
        if "cadre_id" in fields:  # the start date moves with the cadre only
            fields["since"] = since
        return [Change(row.number, current, {**fields, "run": self.run})]


# -------------------------------------------------------------------------------------------------- personnel

PERSONNEL_ROLES = (KeyPerson.Role.SAFETY_DIRECTOR, KeyPerson.Role.SAFETY_OFFICER)


class PersonnelImporter(_EntityLedger):
    """食品安全管理人员台账: the food-safety directors and officers of registered entities (docs/domain.md §5). A person is
    the same across uploads by entity, role and ID number; a registry record kept without an ID number is found
    by name, and the ledger fills the number in."""

    spec = PERSONNEL

    def prepare(self):
        super().prepare()
        self.by_id, self.by_name = {}, {}
        for chunk in chunked(self.named_entities()):
            for person in KeyPerson.objects.filter(entity_id__in=chunk, role__in=PERSONNEL_ROLES):
                if person.id_number:
                    self.by_id[(person.entity_id, person.role, person.id_number)] = person
                else:
                    self.by_name.setdefault((person.entity_id, person.role, choice_text(person.name)), person)
        self.seen: dict[tuple, int] = {}  # (entity pk, role, ID number) -> first row naming that person

    def check_row(self, row: Row) -> list[Change]:
        entity = self.entity(row)
        id_type = row.get("id_type") or KeyPerson.IdType.RESIDENT
        if id_type == KeyPerson.IdType.RESIDENT:
            id_number = self.check(row, "id_number", validators.validate_resident_id)
        else:
            id_number = row.get("id_number")
        phone = self.check(row, "phone", validators.validate_phone)
        for key in ("name", "id_number"):
            limit = KeyPerson._meta.get_field(key).max_length
            if row.get(key) and len(row[key]) > limit:
                self.error(row, key, "format", _("不能超过 %(n)d 个字符。") % {"n": limit})
        role = row.get("role")
        if entity is not None and role and id_number:
            first = self.seen.setdefault((entity.pk, role, id_number), row.number)
            if first != row.number:
                self.error(row, "id_number", "duplicate", _("与第 %(row)d 行是同一主体的同一人员。") % {"row": first})
        if row.number in self.failed_rows:
            return []
        # 最近培训日期、年度培训学时、考核结果 have no KeyPerson field yet: their cells are read and checked, not stored.
        values = {"name": row["name"], "id_number": id_number}
        if "id_type" in self.sheet.headers:
            values["id_type"] = id_type
        if "phone" in self.sheet.headers:
            values["phone"] = phone or ""
        person = self.by_id.get((entity.pk, role, id_number)) or self.by_name.pop(
            (entity.pk, role, choice_text(row["name"])), None
        )
        if person is None:
            return [Change(row.number, KeyPerson(entity=entity, role=role, **values), created=True)]
        fields = self.diff(person, values)
        return [Change(row.number, person, fields)] if fields else []


IMPORTERS: dict[str, type[Importer]] = {
    "entities": EntityImporter,
    "cadres": CadreImporter,
    "assignments": AssignmentImporter,
    "personnel": PersonnelImporter,
}
