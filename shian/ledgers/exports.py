"""A ledger written back out in its own template's columns, so that importing the export changes nothing."""

from collections.abc import Iterator

from shian.baobao.models import Cadre, Guarantee
from shian.core.bulk import chunked
from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.entities.models import Entity, KeyPerson, baobao_grade
from shian.imports.specs import ColumnType, TableSpec
from shian.reports import xlsx

from .importers.assignments import policies_for
from .importers.personnel import PERSONNEL_ROLES
from .specs import SPECS


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
        entities.annotate(baobao_grade=baobao_grade())
        .select_related("department")
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


def _entity_key(entity: Entity) -> dict:
    """How the linked ledgers name an entity: its USCC, or its (first) licence number when it has none."""
    licenses = [] if entity.uscc else list(entity.licenses.all())
    return {
        "entity_uscc": entity.uscc,
        "entity_license": licenses[0].number if licenses else None,
        "entity_name": entity.name,
    }


def _assignment_rows(user, region_code) -> Iterator[dict]:
    guarantees = narrow_to(
        scope_queryset(Guarantee.objects.all(), user, "entity__region"), region_code, "entity__region"
    )
    guarantees = guarantees.annotate(entity_grade=baobao_grade("entity__"))
    guarantees = guarantees.select_related("entity", "cadre", "supporter").prefetch_related("entity__licenses")
    for chunk in chunked(guarantees.order_by("entity__region_id", "pk").iterator(chunk_size=2000), 2000):
        # an ungraded entity goes out with the grade the policy gives its cadre's level, which the import checks
        policies = policies_for(g.entity.region_id for g in chunk if not g.entity_grade)
        for guarantee in chunk:
            entity, cadre, supporter = guarantee.entity, guarantee.cadre, guarantee.supporter
            grade = guarantee.entity_grade
            if not grade:
                grades = {level: g for g, level in policies[entity.region_id].level_for_grade.items()}
                grade = grades.get(cadre.level)
            yield {
                **_entity_key(entity),
                "cadre_id_number": cadre.id_number,
                "cadre_name": cadre.name,
                "grade": grade,
                "supporter_id_number": supporter.id_number if supporter else None,
                "supporter_name": supporter.name if supporter else None,
                "since": guarantee.since,
            }


def _personnel_rows(user, region_code) -> Iterator[dict]:
    people = narrow_to(scope_queryset(KeyPerson.objects.all(), user, "entity__region"), region_code, "entity__region")
    people = people.filter(role__in=PERSONNEL_ROLES).select_related("entity").prefetch_related("entity__licenses")
    for person in people.order_by("entity__region_id", "entity_id", "pk").iterator(chunk_size=2000):
        yield {
            **_entity_key(person.entity),
            "role": person.role,
            "name": person.name,
            "id_type": person.id_type,
            "id_number": person.id_number,
            "phone": person.phone,
        }


ROWS = {
    "entities": _entity_rows,
    "cadres": _cadre_rows,
    "assignments": _assignment_rows,
    "personnel": _personnel_rows,
}


def write_ledger(output, *, user, kind: str, region_code: str | None = None) -> int:
    """Write the ledger `kind` under the region (in the user's jurisdiction) to `output`; returns the rows."""
    spec: TableSpec = SPECS[kind]
    columns = [xlsx.Column(column.label(), column.width) for column in spec.columns]
    rows = ([_cell(column, row.get(column.key)) for column in spec.columns] for row in ROWS[kind](user, region_code))
    return xlsx.write_xlsx(output, columns, rows, sheet_name=spec.label())
