"""Province scale (seed 003): Shandong's 1,061,400 entities and 167,400 cadres spread over its counties."""

import datetime
from collections.abc import Callable

from django.db.models import Count
from django.db.models.functions import Substr

from shian.regions.models import Region

from .cadres import load_city_cadres, load_county_cadres
from .entities import load_county_entities

# Entities per city as reported in seed 003 (docs/domain.md §4.3); the other cities share the rest of the total.
SHANDONG_TOTAL = 1_061_400
SHANDONG_CITIES = {"3701": 104_014, "3702": 140_000, "3703": 60_315, "3704": 47_560, "3705": 32_313}
ENTITIES_PER_VILLAGE = SHANDONG_TOTAL / 62_074


def county_targets(province: Region) -> dict[str, int]:
    """Entities to generate per county: known city totals split by village count, the rest by village count."""
    # villages per county by code prefix, not a self-join through the township (one scan, whatever the statistics)
    villages = dict(
        Region.objects.filter(code__startswith=province.code, level=Region.Level.VILLAGE)
        .values_list(Substr("code", 1, 6))
        .annotate(n=Count("pk"))
        .order_by()
    )
    counties = Region.objects.filter(code__startswith=province.code, level=Region.Level.COUNTY).order_by("code")
    weight = {c.code: max(villages.get(c.code, 0), 20) for c in counties}
    pinned = SHANDONG_CITIES if province.code == "37" else {}
    total = SHANDONG_TOTAL if province.code == "37" else round(sum(weight.values()) * ENTITIES_PER_VILLAGE)
    free_weight = sum(w for code, w in weight.items() if code[:4] not in pinned)
    free_total = total - sum(pinned.values())
    targets = {}
    for code, w in weight.items():
        city_weight = sum(v for k, v in weight.items() if k[:4] == code[:4])
        if code[:4] in pinned:
            targets[code] = round(pinned[code[:4]] * w / city_weight)
        else:
            targets[code] = round(free_total * w / free_weight)
    return targets


def load_province(
    *,
    province: Region,
    seed: int,
    today: datetime.date,
    scale: int = 1,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Every county of the province, one transaction each, so an interrupted run resumes where it stopped. `scale`
    multiplies every county's entities (village cadres follow the entities, docs/scaling.md §5): the 3× province
    of the scaling measurement, in the one province whose villages are vendored."""
    targets = {code: n * scale for code, n in county_targets(province).items()}
    counties = {c.code: c for c in Region.objects.filter(code__in=list(targets)).select_related("parent")}
    made = {"entities": 0, "cadres": 0}
    for city in Region.objects.filter(code__startswith=province.code, level=Region.Level.CITY).order_by("code"):
        made["cadres"] += load_city_cadres(city=city, seed=seed)
    for n, code in enumerate(sorted(targets), 1):
        county = counties[code]
        made["entities"] += load_county_entities(county=county, seed=seed, count=targets[code], today=today)
        made["cadres"] += load_county_cadres(county=county, seed=seed)
        progress(f"[{n}/{len(targets)}] {county.name}（{code}）")
    return made
