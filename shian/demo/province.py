"""Province scale (seed 003): Shandong's 1,061,400 entities and 167,400 cadres spread over its counties."""

import datetime
from collections.abc import Callable
from contextlib import closing

from django.db import connection, connections
from django.db.models import Count
from django.db.models.functions import Substr

from shian.core.bulk import reserve_keys
from shian.core.forks import forked_map
from shian.entities.models import Entity
from shian.regions.models import Region

from .cadres import load_city_cadres, load_county_cadres
from .entities import county_has_entities, load_county_entities

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
    workers: int = 1,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Every county of the province, one transaction each, so an interrupted run resumes where it stopped. `scale`
    multiplies every county's entities (village cadres follow the entities, docs/scaling.md §5): the 3× province
    of the scaling measurement, in the one province whose villages are vendored. The counties' entities first (on
    PostgreSQL by `workers` processes), then the cadres, who follow the entities, county by county here."""
    targets = {code: n * scale for code, n in county_targets(province).items()}
    counties = {c.code: c for c in Region.objects.filter(code__in=list(targets)).select_related("parent")}
    made = {"entities": 0, "cadres": 0}
    for city in Region.objects.filter(code__startswith=province.code, level=Region.Level.CITY).order_by("code"):
        made["cadres"] += load_city_cadres(city=city, seed=seed)
    build = _Build(counties, targets, seed, today)
    codes = sorted(targets)
    for n, (code, created) in enumerate(_county_entities(build, codes, workers), 1):
        made["entities"] += created
        progress(f"[{n}/{len(codes)}] {counties[code].name}（{code}）")
    for code in codes:
        made["cadres"] += load_county_cadres(county=counties[code], seed=seed)
    return made


class _Build:
    """What a county's entities need, inherited by the worker processes at the fork (never pickled)."""

    def __init__(self, counties: dict, targets: dict, seed: int, today: datetime.date):
        self.counties, self.targets, self.seed, self.today = counties, targets, seed, today
        self.keys: dict[str, list] = {}

    def county(self, code: str) -> tuple[str, int]:
        made = load_county_entities(
            county=self.counties[code], seed=self.seed, count=self.targets[code], today=self.today,
            keys=self.keys.get(code),
        )  # fmt: skip
        return code, made


def _county_entities(build: _Build, codes: list[str], workers: int):
    """(code, entities created) per county, in the counties' order. On PostgreSQL with `workers` > 1, the counties go
    to forked processes (`core.forks`), each with its own connection: one process generates a county's rows in
    Python while PostgreSQL writes another's (the two took similar time, one after the other, docs/performance.md).
    The entity keys are reserved here first, in county order, so every county gets the keys a one-process build
    gives it. SQLite has one writer at a time, and a caller's open transaction cannot be shared: one process then."""
    if workers < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        yield from map(build.county, codes)
        return
    pending = [code for code in codes if not county_has_entities(code)]
    keys, start = reserve_keys(Entity, sum(build.targets[code] for code in pending)), 0
    for code in pending:
        build.keys[code], start = keys[start : start + build.targets[code]], start + build.targets[code]
    connections.close_all()  # each process opens its own connection: none may share the parent's socket
    with closing(forked_map(build.county, pending, workers)) as made:  # the pool ends with this generator
        for code in codes:
            yield next(made) if code in build.keys else (code, 0)
