"""The dashboard's reads: figures of a region and of each area below it, rankings, series and breakdowns.

Counties and everything below are computed live from the records (a county is some 8,000 entities), and kept a
minute in a shared cache that any write in the county drops (see core.figcache); a county's figures are kept per
township there, so that a write recounts only its township; regions above a county read their
snapshot (see models.Snapshot), which the scheduler refreshes every 4 minutes (lag under 5).
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import figcache
from shian.core import kpis as registry
from shian.core.jurisdiction import (
    get_in_scope,
    narrow_to,
    require_in_scope,
    scope_prefix,
    scope_queryset,
)
from shian.core.kpis import Parts
from shian.core.regioncodes import prefixes
from shian.entities.models import Entity
from shian.regions.models import Region

from . import history
from .counting import LIVE_FROM, child_depth, count, roll_up  # noqa: F401 (callers read them here too)
from .models import DispatchReport, Snapshot
from .snapshots import refresh_region

STALE_AFTER = datetime.timedelta(minutes=5)


@dataclass
class Figures:
    """A region's figures: parts per child area (or entity), their total, and when they were counted."""

    region: Region | None  # None: the whole country (a superuser's top level)
    code: str
    as_of: datetime.date
    computed_at: datetime.datetime
    live: bool
    groups: dict[str, Parts]
    cached: bool = False  # live figures counted a little earlier (figcache): the page says when

    @cached_property
    def total(self) -> Parts:
        return registry.total(self.groups.values())

    @property
    def stale(self) -> bool:
        return not self.live and timezone.now() - self.computed_at > STALE_AFTER


def region_or_404(*, user, code: str) -> Region | None:
    require_in_scope(user, code)
    if code == "":
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404(_("区划代码不存在：%(code)s") % {"code": code})
    return region


def figures(
    *, user, region_code: str | None = None, as_of: datetime.date | None = None, series: bool = False
) -> Figures:
    """The figures of `region_code` (default: the user's jurisdiction) for the user. Live for a county and
    below; above, the snapshot (computed now if there is none yet)."""
    code = scope_prefix(user) if region_code is None else region_code
    region = region_or_404(user=user, code=code or "")
    code = code or ""
    today = timezone.localdate()
    as_of = as_of or today
    if len(code) >= LIVE_FROM or as_of != today:
        depth = child_depth(code)

        def counted(prefix: str) -> dict[str, Parts]:
            return count(prefix=prefix, depth=depth, as_of=as_of, series=series)

        if len(code) == LIVE_FROM:  # a county: kept per township, so a write recounts its township alone
            groups, counted_at, cached = figcache.remember_groups(
                kind="dashboard", code=code, key=(as_of, series), count=counted,
                children=lambda: Region.objects.filter(parent_id=code).values_list("code", flat=True),
            )  # fmt: skip
        else:
            groups, counted_at, cached = figcache.remember(
                kind="dashboard", code=code, key=(as_of, series), compute=lambda: counted(code)
            )
        return Figures(region, code, as_of, counted_at, True, groups, cached)
    snap = Snapshot.objects.filter(region_code=code, as_of=today).first()
    if snap is None:
        snap = refresh_region(  # a read that finds no snapshot makes the first one
            code=code, as_of=today
        )
    return Figures(region, code, snap.as_of, snap.computed_at, False, snap.groups)


def values(parts: Parts) -> dict[str, float | None]:
    return {k.key: k.value(parts) for k in registry.kpis()}


def rows(fig: Figures) -> list[dict]:
    """One row per child area (or entity at a village) with its name and every KPI's value, in code order."""
    codes = sorted(fig.groups)
    if child_depth(fig.code) is None:
        names = dict(Entity.objects.filter(pk__in=[int(c) for c in codes]).values_list("pk", "name"))
        names = {str(k): v for k, v in names.items()}
    else:
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    out = []
    for code in codes:
        direct = len(code) < (child_depth(fig.code) or 0)
        name = _("（本级直属）") if direct else names.get(code, code)
        out.append({"code": code, "name": name, "direct": direct, "parts": fig.groups[code],
                    "values": values(fig.groups[code])})  # fmt: skip
    return out


def ranking(table: list[dict], kpi_key: str) -> list[dict]:
    """Rows best first by one KPI ("low" better: ascending); areas with no value last."""
    kpi = registry.kpi(kpi_key)
    if kpi is None:
        return table
    sign = -1 if kpi.better == "high" else 1
    ranked = sorted(
        (r for r in table if not r["direct"]),
        key=lambda r: (r["values"][kpi_key] is None, sign * (r["values"][kpi_key] or 0), r["code"]),
    )
    for place, r in enumerate(ranked, 1):
        r["place"] = place
    return ranked


def composite(vals: dict[str, float | None]) -> float | None:
    """The mean of the percentage KPIs where higher is better: the score that names the lagging units."""
    scores = [vals[k.key] for k in registry.kpis() if k.unit == "%" and k.better == "high" and vals[k.key] is not None]
    return round(sum(scores) / len(scores), 1) if scores else None


def lagging(table: list[dict], n: int = 3) -> list[dict]:
    """The `n` areas with the lowest composite score (areas with nothing to score are left out)."""
    scored = [dict(r, score=composite(r["values"])) for r in table if not r["direct"]]
    scored = [r for r in scored if r["score"] is not None]
    return sorted(scored, key=lambda r: (r["score"], r["code"]))[:n]


def series(fig: Figures) -> list[dict]:
    """Every registered series over the last twelve weeks or months, from the total parts; then, where the daily
    KPI history holds the region's past, the rate KPIs at the end of each of the last twelve weeks (unit
    "history")."""
    parts = fig.total
    out = []
    for s in registry.series():
        starts = (registry.weeks_back if s.unit == "week" else registry.months_back)(fig.as_of, registry.SERIES_LENGTH)
        out.append({
            "key": s.key, "label": str(s.label), "unit": s.unit,
            "periods": [d.isoformat() for d in starts],
            "values": [parts.get(f"{s.prefix}:{d.isoformat()}", 0) for d in starts],
        })  # fmt: skip
    return out + history.kpi_trend(fig.code, fig.as_of)


def breakdowns(fig: Figures) -> list[dict]:
    parts = fig.total
    out = []
    for b in registry.breakdowns():
        labels = b.labels()
        items = [
            {"key": key, "label": str(label), "n": parts.get(f"{b.prefix}:{key}", 0),
             "url": b.link(fig.code, key) if b.link else ""}
            for key, label in labels.items()
        ]  # fmt: skip
        items = sorted((i for i in items if i["n"]), key=lambda i: -i["n"])
        top = items[0]["n"] if items else 1
        for i in items:
            i["share"] = round(100 * i["n"] / top)
        out.append({"key": b.key, "label": str(b.label), "items": items})
    return out


def ancestors(fig: Figures, user) -> list[Region]:
    """The breadcrumb: regions from the user's own level down to this one."""
    if fig.region is None:
        return []
    top = scope_prefix(user) or ""
    codes = [code for code in prefixes(fig.code) if len(top) <= len(code)]
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def report_list(*, user, region_code: str | None = None):
    qs = narrow_to(scope_queryset(DispatchReport.objects.select_related("region"), user), region_code)
    return qs.order_by("-week", "region_id")


def report_get(*, user, pk: int) -> DispatchReport:
    return get_in_scope(DispatchReport.objects.select_related("region"), user, pk=pk)
