"""Counting the dashboard's figures: every registered provider's parts under a region, grouped by area.

The bottom of the dashboard's modules: selectors read through it, snapshots store what it counts.
"""

import datetime

from shian.core import kpis as registry
from shian.core.kpis import Grouping, Parts
from shian.core.regioncodes import COUNTY, LEVEL_LENGTH, VILLAGE, child_length, level_of

LIVE_FROM = LEVEL_LENGTH[COUNTY]  # code length from which figures are computed live: county, township, village


def child_depth(code: str) -> int | None:
    """The code length of the areas below `code`; None below a village, whose figures are per entity."""
    return None if level_of(code) in (None, VILLAGE) else child_length(code)


def count(*, prefix: str, depth: int | None, as_of: datetime.date, series: bool = False) -> dict[str, Parts]:
    """Every provider's parts under `prefix`, grouped by `depth` digits of region code (or by entity)."""
    grouping = Grouping(depth)
    groups: dict[str, Parts] = {}
    for provider in registry.providers():
        registry.absorb(groups, provider.count(prefix=prefix, grouping=grouping, as_of=as_of, series=series))
    return groups


def roll_up(groups: dict[str, Parts], *, prefix: str, depth: int) -> dict[str, Parts]:
    """Groups counted at a finer depth, added up to `depth` digits and kept only under `prefix`; a group whose
    code is shorter than `depth` (rows registered directly at a higher level) stays as it is."""
    out: dict[str, Parts] = {}
    for code, parts in groups.items():
        if code.startswith(prefix):
            registry.absorb(out, {code[:depth]: parts})
    return out
