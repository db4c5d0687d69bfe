"""The ledgers that name a registered entity (包保关系台账, 食品安全管理人员台账): finding it by USCC or licence
number inside the importer's jurisdiction, and checking the name the row repeats."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shian.core.jurisdiction import narrow_to
from shian.entities.models import Entity, License
from shian.imports.importer import lookup
from shian.imports.reading import Row
from shian.imports.specs import choice_text

from .base import LedgerImporter


class EntityLedger(LedgerImporter):
    """A ledger whose rows name a registered entity by USCC (else licence number) and repeat its name as a check
    (docs/domain.md §4.6: mismatched ledgers). An entity outside the importer's jurisdiction reads as unknown, so a file
    cannot probe what lies beyond it (docs/architecture.md §3.1)."""

    def prepare(self):
        rows = self.sheet.rows
        entities = narrow_to(Entity.objects.all(), self.scope)
        self.by_uscc = lookup(entities, "uscc", (r.get("entity_uscc") for r in rows))
        licenses = narrow_to(License.objects.select_related("entity"), self.scope, "entity__region")
        self.licenses = lookup(licenses, "number", (r.get("entity_license") for r in rows))

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
