"""Routing by territory (docs/complaints.md §3): the entity an item names is matched against the registry from its
USCC, its name and its address, and the item goes to the 市场监管所 (inspections' `station_of`) of the entity's
township; an item with no match goes to the county desk.

Built once per batch (`Routing(within=, desk=)`, then `prepare(items)`): a few set-based queries (the USCCs and the
exact names of the batch, the entities of the townships the addresses name) and the address index of the region
(shian.regions.addresses), then `route(...)` is a walk in memory, no query per item.

- a USCC or exact (folded) name of a registered entity: `matched`;
- a name like one of the entities of the township its address names (Dice similarity of character pairs at least
  `complaints.fuzzy_match_pct`): `fuzzy`, routed to that entity's station and shown to the clerk to confirm;
- neither: `none`, routed to the county the address names, else to the desk county."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from shian.core import rules
from shian.core.bulk import chunked
from shian.core.jurisdiction import region_under
from shian.core.regioncodes import COUNTY, TOWNSHIP, ancestor, level_of, prefixes
from shian.entities.models import Entity
from shian.entities.services import duplicate_key
from shian.inspections.selectors.stations import station_map, station_of
from shian.regions.addresses import AddressIndex
from shian.regions.models import Region

from ..ruledefs import FUZZY_PCT

COMMON_PAIR = 300  # a character pair shared by more entities than this (有限, 公司, 餐饮) says nothing about which


def fold_name(name: str) -> str:
    """A name as matching compares it: width, case, brackets and company-suffix variants folded."""
    return duplicate_key(name or "", "").split("|", 1)[0].replace(" ", "")


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def similarity(a: str, b: str) -> int:
    """Dice coefficient of the character pairs of two folded names, in percent."""
    pa, pb = _pairs(a), _pairs(b)
    if not pa or not pb:
        return 0
    return round(200 * len(pa & pb) / (len(pa) + len(pb)))


@dataclass(frozen=True)
class Route:
    """Where an item goes: its entity (or none), how sure the match is, the region and station that handle it."""

    entity_id: int | None
    match: str  # "matched" | "fuzzy" | "none"
    region_code: str
    station_id: int | None


def destination(region_code: str, stations: dict | None = None) -> tuple[str, int | None]:
    """The office of an entity in `region_code`: its township and the station covering it (None if none)."""
    return ancestor(region_code, TOWNSHIP) or region_code, station_of(region_code, stations)


@dataclass(frozen=True)
class _Known:
    pk: int
    name: str
    folded: str
    region: str


class Routing:
    """The lookups of one batch of items inside `within` (a region code); unmatched items go to `desk`."""

    def __init__(self, *, within: str, desk: str | None = None):
        self.within = within
        self.desk = desk or (ancestor(within, COUNTY) if level_of(within) > COUNTY else within)
        current = Region.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=timezone.localdate()))
        inside = current.filter(region_under(Region, "code", within)) if within else current
        above = current.filter(code__in=prefixes(within)[:-1]) if within else current.none()
        self.index = AddressIndex([*inside.values_list("code", "name"), *above.values_list("code", "name")],
                                  root=within)  # fmt: skip
        self.regions = set(inside.values_list("code", flat=True))
        self.stations = station_map(ancestor(within, COUNTY) or within) if within else station_map()
        self.threshold = rules.value(FUZZY_PCT.code, within)
        self.by_uscc: dict[str, _Known] = {}
        self.by_name: dict[str, _Known] = {}
        self.near: dict[str, list[_Known]] = defaultdict(list)  # township -> its entities
        self.pairs: dict[str, dict[str, list[int]]] = {}  # township -> pair -> indexes into near[township]
        self.resolved: dict[str, object] = {}

    def _entities(self):
        qs = Entity.objects.exclude(status=Entity.Status.DEREGISTERED)
        return qs.filter(region_under(Entity, "region", self.within)) if self.within else qs

    @staticmethod
    def _known(row) -> _Known:
        pk, name, region = row
        return _Known(pk, name, fold_name(name), region)

    def resolve(self, address: str):
        """The region an address names (remembered: a batch repeats its addresses)."""
        if not address:
            return None
        if address not in self.resolved:
            self.resolved[address] = self.index.resolve(address).region
        return self.resolved[address]

    def township_of(self, address: str) -> str:
        found = self.resolve(address)
        if found is None or level_of(found.code) < TOWNSHIP:
            return ""
        return ancestor(found.code, TOWNSHIP)

    def prepare(self, items) -> None:
        """Set-based lookups for `items` (dicts with entity_name, entity_uscc, entity_address)."""
        items = list(items)
        usccs = {i["entity_uscc"] for i in items if i.get("entity_uscc")}
        for chunk in chunked(usccs):
            for pk, name, region, uscc in (
                self._entities().filter(uscc__in=chunk).values_list("pk", "name", "region_id", "uscc")
            ):
                self.by_uscc[uscc] = self._known((pk, name, region))
        names = {i["entity_name"].strip() for i in items if i.get("entity_name")}
        for chunk in chunked(names):
            for row in self._entities().filter(name__in=chunk).values_list("pk", "name", "region_id"):
                known = self._known(row)
                self.by_name.setdefault(known.folded, known)
        townships = {self.township_of(i.get("entity_address", "")) for i in items} - {""} - set(self.near)
        for chunk in chunked(sorted(townships), 50):
            where = Q()
            for code in chunk:
                where |= region_under(Entity, "region", code)
            for row in self._entities().filter(where).values_list("pk", "name", "region_id"):
                known = self._known(row)
                self.near[ancestor(known.region, TOWNSHIP) or known.region].append(known)
                self.by_name.setdefault(known.folded, known)
        for code in townships:
            index: dict[str, list[int]] = defaultdict(list)
            for n, known in enumerate(self.near.get(code, [])):
                for pair in _pairs(known.folded):
                    index[pair].append(n)
            self.pairs[code] = {p: ids for p, ids in index.items() if len(ids) <= COMMON_PAIR}

    def _fuzzy(self, folded: str, township: str) -> _Known | None:
        if not township or not folded:
            return None
        index, known = self.pairs.get(township, {}), self.near.get(township, [])
        hits = Counter(n for pair in _pairs(folded) for n in index.get(pair, ()))
        best, score = None, 0
        for n, _count in hits.most_common(20):
            s = similarity(folded, known[n].folded)
            if s > score:
                best, score = known[n], s
        return best if score >= self.threshold else None

    def _to(self, region_code: str) -> tuple[str, int | None]:
        return destination(region_code, self.stations)

    def route(self, *, entity_name: str = "", entity_uscc: str = "", entity_address: str = "",
              entity_id: int | None = None) -> Route:  # fmt: skip
        """Where one item goes (see the module docstring); `entity_id` is an entity the clerk picked."""
        known, match = None, "none"
        if entity_id is not None:
            row = self._entities().filter(pk=entity_id).values_list("pk", "name", "region_id").first()
            known, match = (self._known(row), "matched") if row else (None, "none")
        if known is None and entity_uscc:
            known = self.by_uscc.get(entity_uscc)
            match = "matched" if known else match
        folded = fold_name(entity_name)
        if known is None and folded:
            known = self.by_name.get(folded)
            match = "matched" if known else match
        township = self.township_of(entity_address)
        if known is None:
            known = self._fuzzy(folded, township)
            match = "fuzzy" if known else "none"
        if known is not None:
            region, station = self._to(known.region)
            return Route(known.pk, match, region, station)
        found = self.resolve(entity_address)
        county = ancestor(found.code, COUNTY) if found is not None and level_of(found.code) >= COUNTY else ""
        return Route(None, "none", county or self.desk, None)
