"""A ledger written back out in its own template's columns, so that importing the export changes nothing."""

from collections.abc import Iterator

from shian.baobao.models import Cadre
from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.entities.models import Entity
from shian.reports import xlsx

from .specs import SPECS, ColumnType, LedgerSpec


def _cell(column, value):
    """The value as the reader reads it back: an enumeration by its label, an ID as text."""
    if value in (None, ""):
        return None
    if column.type == ColumnType.ENUM:
        labels = {choice.value: str(choice.label) for choice in column.choices}
        return labels.get(value, value)
    if column.type == ColumnType.ID:
        return str(value)
    return value


def _entity_rows(user, region_code) -> Iterator[dict]:
    entities = narrow_to(scope_queryset(Entity.objects.all(), user), region_code)
    for entity in (
        entities.select_related("department")
        .prefetch_related("licenses")
        .order_by("region_id", "pk")
        .iterator(chunk_size=2000)
    ):
        base = {
            "name": entity.name, "uscc": entity.uscc, "business_type": entity.business_type,
            "sub_type": entity.sub_type, "address": entity.address, "region_code": entity.region_id,
            "status": entity.status, "baobao_grade": entity.baobao_grade, "floor_area": entity.floor_area,
            "diners": entity.diners, "sales_band": entity.sales_band,
            "department": entity.department.name if entity.department_id else None,
            "longitude": entity.longitude, "latitude": entity.latitude,
        }  # fmt: skip
        licenses = list(entity.licenses.all()) or [None]
        for license in licenses:
            extra = {}
            if license is not None:
                extra = {
                    "license_kind": license.kind,
                    "license_number": license.number,
                    "license_issued_on": license.issued_on,
                    "license_expires_on": license.expires_on,
                }
            yield {**base, **extra}


def _cadre_rows(user, region_code) -> Iterator[dict]:
    cadres = narrow_to(scope_queryset(Cadre.objects.all(), user), region_code)
    for cadre in cadres.select_related("department").order_by("region_id", "pk").iterator(chunk_size=2000):
        yield {
            "name": cadre.name, "id_number": cadre.id_number, "phone": cadre.phone, "level": cadre.level,
            "position": cadre.position, "department": cadre.department.name if cadre.department_id else None,
            "region_code": cadre.region_id, "is_regulator": cadre.is_regulator, "capacity": cadre.capacity,
            "status": cadre.status,
        }  # fmt: skip


ROWS = {"entities": _entity_rows, "cadres": _cadre_rows}


def write_ledger(output, *, user, kind: str, region_code: str | None = None) -> int:
    """Write the ledger `kind` under the region (in the user's jurisdiction) to `output`; returns the rows."""
    spec: LedgerSpec = SPECS[kind]
    columns = [xlsx.Column(column.label(), column.width) for column in spec.columns]
    rows = ([_cell(column, row.get(column.key)) for column in spec.columns] for row in ROWS[kind](user, region_code))
    return xlsx.write_xlsx(output, columns, rows, sheet_name=spec.label())
