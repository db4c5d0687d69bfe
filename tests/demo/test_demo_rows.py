"""The generators' rows for a seed are fixed: a faster way of writing them must not change what they write."""

import datetime
import hashlib

from shian.baobao.models import Cadre
from shian.demo.cadres import load_city_cadres, load_county_cadres
from shian.demo.entities import load_county_entities
from shian.entities.models import Entity, KeyPerson, License
from shian.regions.models import Region

TODAY = datetime.date(2026, 11, 25)
# the digests of the rows written for seed 7 by the generators as they were (bulk_create of model instances)
EXPECTED = {
    "entities": "e02629ab316b0f83",
    "licenses": "78d07d12d7dcea2b",
    "people": "275a9b40e03d6607",
    "cadres": "1ac4915bbd797e43",
}

CADRE_FIELDS = [
    "name", "id_number", "phone", "level", "position", "department_id", "region_id", "is_regulator", "status",
    "capacity", "user_id", "left_on",
]  # fmt: skip


def _digest(rows) -> str:
    return hashlib.sha256(repr([tuple(str(v) for v in row) for row in rows]).encode()).hexdigest()[:16]


def digests() -> dict[str, str]:
    """Every column a generator sets, in key order, with entities' keys replaced by their rank."""
    entities = list(
        Entity.objects.order_by("pk").values_list(
            "pk", "name", "uscc", "uscc_override_reason", "business_type", "sub_type", "floor_area", "diners",
            "sales_band", "address", "region_id", "longitude", "latitude", "status", "department_id",
            "declared_grade", "grid_id", "duplicate_key",
        )
    )  # fmt: skip
    rank = {row[0]: n for n, row in enumerate(entities)}

    def ranked(queryset, *fields):
        return sorted((rank[row[0]], *row[1:]) for row in queryset.values_list("entity_id", *fields))

    return {
        "entities": _digest(row[1:] for row in entities),
        "licenses": _digest(ranked(License.objects, "kind", "number", "issued_on", "expires_on")),
        "people": _digest(ranked(KeyPerson.objects, "role", "name", "id_type", "id_number", "phone")),
        "cadres": _digest(Cadre.objects.order_by("pk").values_list(*CADRE_FIELDS)),
    }


def test_same_seed_writes_the_same_rows(regions):
    county = Region.objects.select_related("parent").get(code="370725")
    assert load_county_entities(county=county, seed=7, count=1500, today=TODAY, flaws=True) == 1500
    load_city_cadres(city=county.parent, seed=7)
    load_county_cadres(county=county, seed=7)
    assert Entity.objects.count() == License.objects.count() == KeyPerson.objects.count() == 1500
    assert digests() == EXPECTED
