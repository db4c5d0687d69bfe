"""Scoring a credit class (docs/credit.md §2): pure functions over plain values, the rules read once per set of
regional overrides.

    Rulesets(today).for_region(code) -> Ruleset      the rule numbers in force in a region (cached per override set)
    score(ruleset, events, states, today) -> (points, band, [event dicts])

Points start at `credit.base_points`; a decaying event (kind, day, n) counts its kind's points × n × (window − age)
/ window (0 once the window has passed), a state (kind, n) its points × n; good kinds add, the others take off; the
total is kept within 0..base and banded by the cut-offs (ruledefs.py)."""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shian.core import rules
from shian.core.models import DeadlineRule

from ..models import Band
from ..ruledefs import BAND_A, BAND_B, BAND_C, BASE_POINTS, EVENT_RULES, GOOD_KINDS, STATE_RULES

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Ruleset:
    base: int
    cuts: tuple  # (A, B, C) minimum points
    points: dict
    windows: dict
    version: str

    def label(self, kind: str) -> str:
        from django.utils.translation import gettext as _

        entry = EVENT_RULES.get(kind) or STATE_RULES.get(kind)
        return _(entry[0]) if entry else kind


def _codes() -> list[str]:
    codes = [BASE_POINTS.code, BAND_A.code, BAND_B.code, BAND_C.code]
    for _label, points, window in EVENT_RULES.values():
        codes += [points.code, window.code]
    codes += [points.code for _label, points in STATE_RULES.values()]
    return codes


def ruleset(region_code: str, today: datetime.date) -> Ruleset:
    value = {code: rules.value(code, region_code, today) for code in _codes()}
    points = {kind: value[entry[1].code] for kind, entry in {**EVENT_RULES, **STATE_RULES}.items()}
    windows = {kind: max(1, value[entry[2].code]) for kind, entry in EVENT_RULES.items()}
    digest = hashlib.sha1(repr(sorted(value.items())).encode()).hexdigest()[:10]
    return Ruleset(base=value[BASE_POINTS.code], cuts=(value[BAND_A.code], value[BAND_B.code], value[BAND_C.code]),
                   points=points, windows=windows, version=digest)  # fmt: skip


class Rulesets:
    """Rulesets by region, resolved once per set of overriding prefixes (a province with no override: once)."""

    def __init__(self, today: datetime.date):
        self.today = today
        self._prefixes = sorted(
            set(
                DeadlineRule.objects.filter(code__in=_codes(), valid_from__lte=today)
                .exclude(region_prefix="")
                .values_list("region_prefix", flat=True)
            )
        )
        self._by_key: dict[tuple, Ruleset] = {}

    def key(self, region_code: str) -> tuple:
        return tuple(p for p in self._prefixes if region_code.startswith(p)) if self._prefixes else ()

    def for_region(self, region_code: str) -> Ruleset:
        key = self.key(region_code)
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = ruleset(region_code, self.today)
        return found

    def windows(self) -> dict[str, int]:
        """The longest window of each kind over every ruleset that may apply (what the event queries read)."""
        sets = [ruleset("", self.today)] + [ruleset(p, self.today) for p in self._prefixes]
        return {kind: max(rs.windows[kind] for rs in sets) for kind in EVENT_RULES}


def band_of(points: Decimal, cuts: tuple) -> str:
    for band, floor in zip((Band.A, Band.B, Band.C), cuts, strict=True):
        if points >= floor:
            return band.value
    return Band.D.value


def _cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def score(rs: Ruleset, events, states, today: datetime.date) -> tuple[Decimal, str, list[dict]]:
    """(points, band, the events that set them, newest first) of one entity."""
    total = Decimal(rs.base)
    shown = []
    for kind, day, n in events:
        window = rs.windows[kind]
        age = (today - day).days
        if age < 0 or age >= window:
            continue
        sign = 1 if kind in GOOD_KINDS else -1
        effect = _cents(Decimal(sign * rs.points[kind] * n * (window - age)) / window)
        total += effect
        shown.append({"kind": kind, "label": rs.label(kind), "day": day.isoformat(), "n": n,
                      "points": float(effect)})  # fmt: skip
    for kind, n in states:
        sign = 1 if kind in GOOD_KINDS else -1
        effect = Decimal(sign * rs.points[kind] * n)
        total += effect
        shown.append({"kind": kind, "label": rs.label(kind), "day": "", "n": n, "points": float(effect)})
    total = min(max(total, Decimal(0)), Decimal(rs.base))
    shown.sort(key=lambda e: (e["day"] or "9999", e["kind"]), reverse=True)
    return _cents(total), band_of(total, rs.cuts), shown
