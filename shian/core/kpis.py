"""The KPI registry: each app describes its own figures in `<app>/kpis.py`; the dashboard only adds them up.

A provider counts *parts* — plain, additive integers per area (or per entity) — and its KPIs turn the summed
parts into values. Because parts only ever add up, the figures of a county are the sum of its townships', a
province's precomputed snapshot rolls up from its counties in Python, and even a median comes out of parts
(a histogram "close_days:3" = 12). Series (weekly, monthly) are parts too ("visits_w:2026-11-16" = 40), so a
snapshot carries them with no extra machinery. A new module (sampling, complaints, inspections) registers a
provider in its own `kpis.py` and appears on the dashboard, in rankings and in the weekly report unchanged.
"""

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Substr, TruncMonth, TruncWeek
from django.urls import get_script_prefix, get_urlconf, reverse

Parts = dict[str, int]


@dataclass(frozen=True)
class Grouping:
    """How a provider groups its rows: by the first `depth` digits of the region code, or by entity."""

    depth: int | None  # None: one group per entity (the village page lists its entities)

    def key(self, region_field: str, entity_field: str):
        return F(entity_field) if self.depth is None else Substr(region_field, 1, self.depth)

    def count(self, qs: QuerySet, region_field: str, entity_field: str) -> dict[str, int]:
        """Rows of `qs` per group, in one grouped query."""
        return {k: v["n"] for k, v in self.sums(qs, region_field, entity_field, n=Count("pk")).items()}

    def sums(self, qs: QuerySet, region_field: str, entity_field: str, **aggregates) -> dict[str, dict[str, int]]:
        """Several aggregates of `qs` per group, in one grouped query."""
        rows = qs.annotate(k=self.key(region_field, entity_field)).values("k").order_by().annotate(**aggregates)
        return {str(r["k"]): {a: r[a] or 0 for a in aggregates} for r in rows}


@dataclass(frozen=True)
class Kpi:
    """One figure: how it is computed from summed parts, where its records are, and which way is better."""

    key: str
    label: str
    unit: str
    value: Callable[[Parts], float | None]
    link: Callable[[str], str] | None = None  # region code -> URL of the records behind the figure
    better: str = ""  # "high", "low" or "" (a count that is neither good nor bad)
    doc: str = ""


@dataclass(frozen=True)
class Breakdown:
    """A distribution shown as a chart and table: parts named `<prefix>:<key>`, e.g. "grade:A"."""

    key: str
    label: str
    prefix: str
    labels: Callable[[], dict[str, str]]
    link: Callable[[str, str], str] | None = None  # (region code, key) -> URL


@dataclass(frozen=True)
class Series:
    """A weekly or monthly series: parts named `<prefix>:<period start ISO date>`."""

    key: str
    label: str
    prefix: str
    unit: str  # "week" or "month"


@dataclass
class Provider:
    """What one app contributes: a counting function and the figures built on its parts."""

    key: str
    count: Callable[..., dict[str, Parts]]  # count(prefix=, grouping=, as_of=, series=) -> {group: parts}
    kpis: list[Kpi] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    # overdue(prefix=, as_of=, limit=) -> (title, headers, rows, total): the weekly report's list of overdue items
    overdue: Callable[..., tuple] | None = None


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    _providers[provider.key] = provider
    return provider


def providers() -> list[Provider]:
    return list(_providers.values())


def kpis() -> list[Kpi]:
    return [k for p in _providers.values() for k in p.kpis]


def kpi(key: str) -> Kpi | None:
    return next((k for k in kpis() if k.key == key), None)


def breakdowns() -> list[Breakdown]:
    return [b for p in _providers.values() for b in p.breakdowns]


def series() -> list[Series]:
    return [s for p in _providers.values() for s in p.series]


# -- the stored history: the dashboard keeps every region's parts at the end of each day (dashboard/history.py); an
# app below the dashboard (the evaluation's indicators) reads a past day through here instead of recounting it.

_history: Callable[[str, datetime.date], Parts | None] | None = None


def keep_history(reader: Callable[[str, datetime.date], Parts | None]) -> None:
    """Plug in the reader of stored days (the dashboard does at start-up)."""
    global _history
    _history = reader


def stored_parts(code: str, day: datetime.date) -> Parts | None:
    """The region's parts at the end of a past `day` as stored then, or None when that day was not stored."""
    return _history(code, day) if _history is not None else None


# -- helpers for providers and for the dashboard ----------------------------------------------------------------


def add(into: dict[str, Parts], group: str, name: str, n: int) -> None:
    if n:
        parts = into.setdefault(group, {})
        parts[name] = parts.get(name, 0) + n


def merge(into: dict[str, Parts], counts: dict[str, int], name: str) -> None:
    """Put one grouped count (`{group: n}`) into the parts under `name`."""
    for group, n in counts.items():
        add(into, group, name, n)


def absorb(into: dict[str, Parts], groups: dict[str, Parts]) -> None:
    """Add every group's parts of `groups` to `into`."""
    for group, parts in groups.items():
        for name, n in parts.items():
            add(into, group, name, n)


def total(parts_list: Iterable[Parts]) -> Parts:
    out: Parts = {}
    for parts in parts_list:
        for name, n in parts.items():
            out[name] = out.get(name, 0) + n
    return out


def ratio(done: str, due: str) -> Callable[[Parts], float | None]:
    """A percentage of two parts, None when nothing is due (shown as "—", never as 0 % or 100 %)."""

    def value(parts: Parts) -> float | None:
        d = parts.get(due, 0)
        return round(100 * parts.get(done, 0) / d, 1) if d else None

    return value


def count_of(name: str) -> Callable[[Parts], float | None]:
    return lambda parts: parts.get(name, 0)


def median_of(prefix: str) -> Callable[[Parts], float | None]:
    """The median of a histogram kept as parts `<prefix>:<value>`."""

    def value(parts: Parts) -> float | None:
        bins = sorted((int(k.split(":", 1)[1]), n) for k, n in parts.items() if k.startswith(prefix + ":"))
        size = sum(n for _, n in bins)
        if not size:
            return None

        def at(index: int) -> int:
            seen = 0
            for v, n in bins:
                seen += n
                if index < seen:
                    return v
            return bins[-1][0]

        return (at((size - 1) // 2) + at(size // 2)) / 2

    return value


def records_url(name: str, code: str, **params) -> str:
    """A list page narrowed to a region (and filters): the link behind a figure."""
    return f"{_list_path(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)}?" + urlencode(
        {"region": code, **params}
    )


@functools.lru_cache(maxsize=512)
def _list_path(name: str, _prefix: str, _urlconf: str) -> str:
    """reverse(name), kept: a county's dashboard links each of its ~60 figures in ~17 rows to its records, and
    the path of a list page only changes with the script prefix or the URLconf (both in the key)."""
    return reverse(name)


SERIES_LENGTH = 12  # weeks and months a series goes back


def periodic(grouping: Grouping, qs: QuerySet, region_field: str, entity_field: str, date_field: str, *, as_of,
             name: str) -> dict[str, Parts]:  # fmt: skip
    """Rows per group per week (`<name>_w:<Monday>`) and per month (`<name>_m:<1st>`) over the last twelve of
    each, in two grouped queries."""
    out: dict[str, Parts] = {}
    on = (
        f"{date_field}__date"
        if qs.model._meta.get_field(date_field).get_internal_type() == "DateTimeField"
        else date_field
    )
    for unit, trunc, starts in (
        ("w", TruncWeek, weeks_back(as_of, SERIES_LENGTH)),
        ("m", TruncMonth, months_back(as_of, SERIES_LENGTH)),
    ):
        rows = (
            qs.filter(**{f"{on}__gte": starts[0], f"{on}__lte": as_of})
            .annotate(k=grouping.key(region_field, entity_field), p=trunc(date_field))
            .values("k", "p")
            .order_by()
            .annotate(n=Count("pk"))
        )
        for r in rows:
            period = r["p"].date() if isinstance(r["p"], datetime.datetime) else r["p"]
            add(out, str(r["k"]), f"{name}_{unit}:{period.isoformat()}", r["n"])
    return out


def weeks_back(as_of: datetime.date, n: int) -> list[datetime.date]:
    """The Mondays of the last `n` weeks, the current one last."""
    this = as_of - datetime.timedelta(days=as_of.weekday())
    return [this - datetime.timedelta(weeks=i) for i in range(n - 1, -1, -1)]


def months_back(as_of: datetime.date, n: int) -> list[datetime.date]:
    """The first days of the last `n` months, the current one last."""
    y, m = as_of.year, as_of.month
    out = []
    for _ in range(n):
        out.append(datetime.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


# -- a module's overview: figures beside their targets, one row per area below ----------------------------------
# The inspections and sampling overviews (and the dashboard's documents) show a provider's KPIs the same way.


def fmt(value, unit: str) -> str:
    """A figure as shown: "—" when there is nothing to divide, percentages with one decimal."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def figures(kpis: Iterable[Kpi], parts: Parts, targets: dict[str, float | None]) -> list[dict]:
    """Each KPI's value over `parts` beside its target (`targets`: KPI key -> target in force), and whether it is
    met (a higher-is-better figure at or above its target)."""
    out = []
    for k in kpis:
        value = k.value(parts)
        target = targets.get(k.key)
        out.append({
            "key": k.key, "label": str(k.label), "unit": str(k.unit), "value": value, "text": fmt(value, str(k.unit)),
            "target": target, "met": None if target is None or value is None else value >= target,
            "better": k.better, "doc": str(k.doc),
        })  # fmt: skip
    return out


def area_rows(groups: dict[str, Parts], depth: int | None, kpis: Iterable[Kpi], names: dict[str, str],
              direct_label: str) -> list[dict]:  # fmt: skip
    """One row per area (or entity, `depth` None) with each KPI's value; parts counted on the region itself
    rather than an area below (a code shorter than `depth`) form the row named `direct_label`."""
    kpis = list(kpis)
    out = []
    for c in sorted(groups):
        direct = depth is not None and len(c) < depth
        out.append({"code": c, "name": direct_label if direct else names.get(c, c), "direct": direct,
                    "parts": groups[c], "values": {k.key: k.value(groups[c]) for k in kpis}})  # fmt: skip
    return out
