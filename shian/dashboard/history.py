"""KPI history: each region's parts at the end of each day, down to the township, stored per region per day.

`record_day(day=)` counts every provider once, grouped by township, adds the townships up into their county,
city, province and the country, and replaces that day's rows (idempotent: a second run of a day writes the
same rows). The scheduler records yesterday every night (dashboard.kpi_history); the demo backfills its past
through the same function. Readers: `parts_on(code, day)` (the weekly report's "change since last week") and
`kpi_trend(code, as_of)` (the dashboard's trend of the rate KPIs), both None or empty when no history exists, and
`stored_parts(code, day)` (the evaluation's month- and quarter-end indicators, through core.kpis.stored_parts).
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from shian.core import kpis as registry
from shian.core.kpis import Parts
from shian.core.regioncodes import LEVEL_LENGTH, TOWNSHIP, prefixes
from shian.regions.models import Region

from .counting import count
from .models import KpiHistory

DEPTH = LEVEL_LENGTH[TOWNSHIP]  # the finest level kept: townships (villages are counted live)


def totals(groups: dict[str, Parts]) -> dict[str, Parts]:
    """Every region's total parts (the country as ''), from parts grouped by township."""
    out: dict[str, Parts] = {}
    for code, parts in groups.items():
        for prefix in prefixes(code, national=True):
            registry.absorb(out, {prefix: parts})
    return out


def record_day(*, day: datetime.date | None = None) -> int:
    """Store every region's parts as of the end of `day` (default: yesterday); returns the rows written."""
    day = day or timezone.localdate() - datetime.timedelta(days=1)
    by_region = totals(count(prefix="", depth=DEPTH, as_of=day, series=False))
    known = set(Region.objects.filter(code__in=list(by_region)).values_list("code", flat=True)) | {""}
    now = timezone.now()
    rows = [
        KpiHistory(region_code=code, day=day, parts=parts, computed_at=now)
        for code, parts in sorted(by_region.items())
        if code in known
    ]
    with transaction.atomic():
        KpiHistory.objects.filter(day=day).delete()
        KpiHistory.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def backfill(days: Iterable[datetime.date]) -> int:
    """Record each of `days` not recorded yet, through `record_day` (the demo gives itself a past this way, and an
    operator may fill days the scheduler missed). Returns the days written."""
    wanted = sorted(set(days))
    done = set(KpiHistory.objects.filter(day__in=wanted, region_code="").values_list("day", flat=True))
    todo = [d for d in wanted if d not in done]
    for day in todo:
        record_day(day=day)
    return len(todo)


def parts_on(code: str, day: datetime.date) -> Parts | None:
    """The region's stored parts at the end of `day`, or None when that day was not recorded."""
    return KpiHistory.objects.filter(region_code=code, day=day).values_list("parts", flat=True).first()


def stored_parts(code: str, day: datetime.date) -> Parts | None:
    """As `parts_on`, but {} for a region with nothing to count on a day that was recorded (the whole country's
    row exists): the evaluation's indicators read past days through this (core.kpis.stored_parts)."""
    rows = dict(KpiHistory.objects.filter(day=day, region_code__in=[code, ""]).values_list("region_code", "parts"))
    if code in rows:
        return rows[code]
    return {} if rows else None


def kpi_trend(code: str, as_of: datetime.date, weeks: int = registry.SERIES_LENGTH) -> list[dict]:
    """The rate KPIs (percentages) of the region at the end of each of the last `weeks` weeks (the Sunday, or
    `as_of` for the current week), from the stored history; [] when none of those days was recorded."""
    ends = [min(monday + datetime.timedelta(days=6), as_of) for monday in registry.weeks_back(as_of, weeks)]
    stored = dict(KpiHistory.objects.filter(region_code=code, day__in=ends).values_list("day", "parts"))
    if not stored:
        return []
    out = []
    for k in registry.kpis():
        if k.unit != "%":
            continue
        out.append({
            "key": k.key, "label": f"{k.label}（%）", "unit": "history",
            "periods": [d.isoformat() for d in ends],
            "values": [k.value(stored[d]) if d in stored else None for d in ends],
        })  # fmt: skip
    return out
