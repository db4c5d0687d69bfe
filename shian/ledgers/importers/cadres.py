"""包保干部台账: the cadres who guarantee entities, by ID number."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shian.baobao.models import REGION_LEVEL_OF, Cadre
from shian.entities import validators
from shian.imports.importer import Change, lookup
from shian.imports.reading import Row
from shian.regions.models import Region

from ..specs import CADRES
from .base import LedgerImporter, departments, region_levels

_CADRE_FIELDS = ("name", "phone", "level", "position", "is_regulator", "capacity", "status")


class CadreImporter(LedgerImporter):
    """包保干部台账: a cadre by ID number, at a level that matches the level of their region."""

    spec = CADRES

    def prepare(self):
        rows = self.sheet.rows
        self.region_levels = region_levels(r.get("region_code") for r in rows)
        self.departments = departments()
        self.by_id = lookup(Cadre.objects.all(), "id_number", (r.get("id_number") for r in rows))
        self.duplicates(["id_number"])

    def check_row(self, row: Row) -> list[Change]:
        id_number = self.check(row, "id_number")
        self.check(row, "phone")
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
