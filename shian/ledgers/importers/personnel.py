"""食品安全管理人员台账: the food-safety directors and officers of registered entities."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shian.core.bulk import chunked
from shian.entities.models import KeyPerson
from shian.imports.importer import Change
from shian.imports.reading import Row
from shian.imports.specs import choice_text

from ..specs import PERSONNEL
from .linked import EntityLedger

PERSONNEL_ROLES = (KeyPerson.Role.SAFETY_DIRECTOR, KeyPerson.Role.SAFETY_OFFICER)


class PersonnelImporter(EntityLedger):
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
            id_number = self.check(row, "id_number")
        else:
            id_number = row.get("id_number")
        phone = self.check(row, "phone")
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
