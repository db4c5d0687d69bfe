"""What every ledger importer shares beyond the engine's :class:`~shian.imports.importer.Importer`: the
importer's jurisdiction, region codes checked against it, the department lookup, and checksum warnings of the
identifier validators (:mod:`shian.entities.validators`) reported under their own rule."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shian.accounts.models import Department
from shian.core.bulk import chunked
from shian.core.jurisdiction import scope_prefix
from shian.entities import validators
from shian.imports.importer import Importer
from shian.imports.reading import Row, Sheet
from shian.regions.models import Region


def region_levels(codes: Iterable[str]) -> dict[str, int]:
    """{code: level} of the codes that exist."""
    found = {}
    for chunk in chunked({c for c in codes if c}):
        found.update(Region.objects.filter(code__in=chunk).values_list("code", "level"))
    return found


def departments() -> dict[str, str]:
    """Department code by its code or name, for a free-text 部门 cell."""
    out = {}
    for code, name in Department.objects.values_list("code", "name"):
        out[code], out[name] = code, code
    return out


class LedgerImporter(Importer):
    """A ledger kind, imported by an account inside its jurisdiction (docs/architecture.md §3.1)."""

    region_levels: dict[str, int]

    def __init__(self, sheet: Sheet, actor):
        super().__init__(sheet, actor)
        self.scope = scope_prefix(actor) or ""

    def rule_code(self, exc: ValidationError, default: str) -> str:
        return "checksum" if isinstance(exc, validators.ChecksumWarning) else default

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
