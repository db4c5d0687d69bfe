"""Which region an address lies in, read from the region names it mentions (docs/domain.md §2.1).

Files from the national 包保 platform, complaints and hotline tickets carry an address, not a region code.
The resolver finds the county, township (街道/镇/乡) and village (村/社区) an address names, against the region
tree of the caller's jurisdiction, with the short forms people write:

- a township with or without its ending: 宝都街道 / 宝都街道办事处 / 宝都街办 / 宝都, 乔官镇 / 乔官;
- a village by its committee's name or the short one: 乔官村 / 乔官村委会 / 乔官村民委员会,
  站前社区 / 站前社区居委会 / 站前社区居民委员会 (a village's bare stem, 站前, is never read: it is too often
  a street's name, 站前街);
- province, city and county with or without 省/市/县/区 (山东省潍坊市昌乐县, 潍坊昌乐, or none of them).

API (reads only; no write, no audit):

- ``address_index(*, user, within="") -> AddressIndex``: the selector. Loads the names of the regions inside
  the user's jurisdiction (narrowed to ``within``, a region inside it) and of the regions above it, once, into
  an in-memory trie. Build it once per import or batch, not once per address: resolving is then a walk over
  the address's characters, with no query.
- ``AddressIndex.resolve(address) -> Resolution``: ``.region`` the most specific region the address names
  (a :class:`Place`: code, name, level, path) when exactly one fits best; ``.candidates`` the places that fit
  equally well when it is ambiguous; neither when nothing in the jurisdiction is named. ``.status`` is
  ``"found"``, ``"ambiguous"`` or ``"none"``. A found region may be the jurisdiction itself (an address that
  names only 昌乐县): the caller decides which levels it accepts.
- ``AddressIndex(regions, root="")`` builds an index from plain ``(code, name)`` pairs (tests, benchmarks).
- ``resolve_address(*, user, address) -> Resolution``: one address, for a single form or complaint.

How a region is chosen: the address is cut into the longest names it contains, left to right. Each name
supports the regions it names and everything below them: a full name (宝都街道, 乔官村委会) counts 2, a short
form (宝都) counts 1. The region with the most support wins; as support only adds up along a chain, the
deepest region the address consistently names comes out on top (山东省潍坊市昌乐县宝都街道站前社区 -> 站前社区).
Two regions with the same best support in different branches (乔官镇宝都街道, or 新村 in two townships when
the address names neither) make the address ambiguous. Names above the jurisdiction only add support; the
result always lies inside it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from shian.core.jurisdiction import narrow_to, scope_prefix, scope_queryset
from shian.core.regioncodes import CITY, COUNTY, TOWNSHIP, VILLAGE, level_of, prefixes

from .models import Region

__all__ = ["AddressIndex", "Place", "Resolution", "address_index", "resolve_address"]

FULL, SHORT = 2, 1  # how much a name counts: written out in full, or as a short form

# Endings by level, longest first: the stem is what remains, the variants are what people write.
_PROVINCE_ENDINGS = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
_CITY_ENDINGS = ("自治州", "地区", "盟", "市")
_COUNTY_ENDINGS = ("自治县", "自治旗", "林区", "特区", "县", "区", "市", "旗")
_TOWNSHIP_ENDINGS = ("街道办事处", "民族乡", "街道", "办事处", "镇", "乡", "苏木")
_COMMITTEES = {"村民委员会": "村", "村委会": "村", "居民委员会": "社区", "居委会": "社区"}  # name ending -> kind
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def _norm(text: str) -> str:
    """Full-width to half-width, spaces and punctuation people put between the parts dropped."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in text if not c.isspace() and c not in "-—·,，、/()（）")


def _strip(name: str, endings: Iterable[str]) -> str:
    for ending in endings:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[: -len(ending)]
    return ""


def _village_forms(name: str) -> tuple[str, ...]:
    """A village's names: the committee's full name, the short one, and the committee forms of the short one
    (乔官村民委员会 / 乔官村 / 乔官村委会; 新村村民委员会 / 新村 / 新村村委会; 站前社区居民委员会 / 站前社区 /
    站前社区居委会 / 站前居委会)."""
    committee = next((c for c in _COMMITTEES if name.endswith(c) and len(name) > len(c)), None)
    if committee is not None:
        # the stem is what the committee serves: 乔官 of 乔官村民委员会, 新村 of 新村村民委员会
        kind, stems = _COMMITTEES[committee], (name[: -len(committee)],)
    elif name.endswith("村") and len(name) > 2:
        kind, stems = "村", (name[:-1], name)  # 乔官村: 乔官村委会; 新村 could be 新村村委会 too
    elif name.endswith("社区") and len(name) > 3:
        kind, stems = "社区", (name,)
    else:
        return (name,)
    forms = [name]
    for stem in stems:
        if kind == "村":
            forms += [stem if stem.endswith("村") else stem + "村", stem + "村委会", stem + "村委", stem + "村民委员会"]
        else:
            bare = stem[:-2] if stem.endswith("社区") else stem
            forms += [bare + "社区", bare + "社区居委会", bare + "社区居民委员会"]
            if len(bare) >= 2:
                forms += [bare + "居委会", bare + "居民委员会"]
    return tuple(dict.fromkeys(forms))


def variants(name: str, level: int) -> dict[str, int]:
    """The ways an address writes a region's name, each with how much it counts (FULL or SHORT). A village
    is only read with its 村/社区 word (站前社区, never 站前); a township also by its bare stem (宝都)."""
    name = _norm(name)
    if not name or name in _PLACEHOLDERS:
        return {}
    if level == VILLAGE:
        return dict.fromkeys(_village_forms(name), FULL)
    out = {name: FULL}
    if level == TOWNSHIP:
        if stem := _strip(name, _TOWNSHIP_ENDINGS):
            out[stem] = SHORT
            if name.endswith(("街道", "街道办事处", "办事处")):
                for form in ("街道", "街道办事处", "街道办", "街办"):
                    out.setdefault(stem + form, FULL)
        return out
    endings = {COUNTY: _COUNTY_ENDINGS, CITY: _CITY_ENDINGS}.get(level, _PROVINCE_ENDINGS)
    if stem := _strip(name, endings):
        out[stem] = SHORT
    return out


@dataclass(frozen=True)
class Place:
    """A region an address was read as: its code, name and level, and its names from below the
    jurisdiction down to it (宝都街道 站前社区), to show a clerk."""

    code: str
    name: str
    level: int
    path: str


@dataclass(frozen=True)
class Resolution:
    """What an address was read as: one region, the equally fitting candidates, or neither."""

    region: Place | None = None
    candidates: tuple[Place, ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        return "found" if self.region else "ambiguous" if self.candidates else "none"


_END = ""  # the trie key under which a node keeps the regions its name denotes: {code: weight}


class AddressIndex:
    """The region names of one jurisdiction in a trie of characters, for resolving many addresses."""

    def __init__(self, regions: Iterable[tuple[str, str]], root: str = ""):
        self.root = root
        self.names: dict[str, str] = {}
        self.trie: dict = {}
        for code, name in regions:
            level = level_of(code)
            if not level or not (code.startswith(root) or root.startswith(code)):
                continue
            self.names[code] = name
            for text, weight in variants(name, level).items():
                node = self.trie
                for char in text:
                    node = node.setdefault(char, {})
                ends = node.setdefault(_END, {})
                ends[code] = max(weight, ends.get(code, 0))

    def __len__(self) -> int:
        return len(self.names)

    def names_in(self, address: str) -> list[dict[str, int]]:
        """The longest region names found in the address, left to right: each as {code: weight}."""
        text = _norm(address)
        found, start, size, trie = [], 0, len(text), self.trie
        while start < size:
            node, end, match = trie, start, None
            while end < size and (node := node.get(text[end])) is not None:
                end += 1
                if _END in node:
                    match = (end, node[_END])
            if match is None:
                start += 1
            else:
                start = match[0]
                found.append(match[1])
        return found

    def place(self, code: str) -> Place:
        below = [c for c in prefixes(code) if len(c) > len(self.root)]
        path = " ".join(self.names.get(c, c) for c in below) or self.names.get(code, code)
        return Place(code=code, name=self.names.get(code, code), level=level_of(code), path=path)

    def resolve(self, address: str) -> Resolution:
        names = self.names_in(address)
        if not names:
            return Resolution()
        scores: dict[str, int] = {}
        for code in {code for name in names for code in name}:
            if not code.startswith(self.root):
                continue  # a region above the jurisdiction supports what is below it, never wins itself
            chain = prefixes(code)
            scores[code] = sum(max((name.get(c, 0) for c in chain), default=0) for name in names)
        if not scores:
            return Resolution()
        best = max(scores.values())
        top = sorted(code for code, score in scores.items() if score == best)
        if len(top) == 1:
            return Resolution(region=self.place(top[0]))
        return Resolution(candidates=tuple(self.place(code) for code in top))


def address_index(*, user, within: str = "") -> AddressIndex:
    """The index of the region names in the user's jurisdiction (narrowed to ``within`` when that lies inside
    it) and of the regions above it, in two queries; regions retired by today are left out. An account without
    a jurisdiction gets an empty index."""
    scope = scope_prefix(user)
    if scope is None:
        return AddressIndex(())
    root = within if within and within.startswith(scope) else scope
    current = Region.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=timezone.localdate()))
    inside = narrow_to(scope_queryset(current, user, field="code"), root, field="code")
    above = current.filter(code__in=prefixes(root)[:-1]) if root else current.none()
    regions = [*inside.values_list("code", "name"), *above.values_list("code", "name")]
    return AddressIndex(regions, root=root)


def resolve_address(*, user, address: str) -> Resolution:
    """One address against the user's jurisdiction (builds the index: for many addresses use
    :func:`address_index` once)."""
    return address_index(user=user).resolve(address)
