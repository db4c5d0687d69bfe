"""Reads of smart markets (docs/markets.md §4), each scoped to the acting user (docs/architecture.md §3.1): staff see
the markets of their jurisdiction, a market's own enterprise accounts only their market; anything else is a 404."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows
from shian.entities.models import BusinessType, Entity

from ..models import Stall, StallPrice, StallTest


def market_queryset() -> QuerySet:
    """Every market of the registry (业态 集中交易市场) that still trades."""
    return Entity.objects.filter(business_type=BusinessType.MARKET).exclude(status=Entity.Status.DEREGISTERED)


def markets(*, user, region_code: str | None = None) -> QuerySet:
    """The markets the user may see (an enterprise account: its own, if it is a market), narrowed to a region."""
    qs = scope_entity_rows(market_queryset(), user, entity_field="pk")
    return narrow_to(qs, region_code).select_related("region").order_by("region_id", "name")


def market_get(*, user, pk: int) -> Entity:
    return get_entity_row(market_queryset().select_related("region"), user, entity_field="pk", pk=pk)


def active_stalls(market_ids, day: datetime.date) -> QuerySet:
    return Stall.objects.filter(market_id__in=market_ids, active_from__lte=day).filter(
        Q(active_until__isnull=True) | Q(active_until__gte=day)
    )


def with_day_counts(rows, day: datetime.date) -> list:
    """Each market of `rows` with `.stalls_active`, `.stalls_tested`, `.tests`, `.failed` and `.on_hold` of `day`,
    in three grouped queries whatever the number of markets."""
    rows = list(rows)
    ids = [m.pk for m in rows]
    stalls = {r["market_id"]: r for r in active_stalls(ids, day).values("market_id").order_by().annotate(
        n=Count("pk"), held=Count("pk", filter=Q(on_hold=True)))}  # fmt: skip
    tests = {r["market_id"]: r for r in StallTest.objects.filter(market_id__in=ids, day=day).values("market_id")
             .order_by().annotate(n=Count("pk"), failed=Count("pk", filter=Q(result=StallTest.Result.FAIL)),
                                  stalls=Count("stall_id", distinct=True))}  # fmt: skip
    for m in rows:
        s, t = stalls.get(m.pk, {}), tests.get(m.pk, {})
        m.stalls_active, m.on_hold = s.get("n", 0), s.get("held", 0)
        m.tests, m.failed, m.stalls_tested = t.get("n", 0), t.get("failed", 0), t.get("stalls", 0)
    return rows


def stalls(*, user, market: Entity) -> QuerySet:
    """The market's stalls (the caller got `market` through market_get, so it is in reach)."""
    return Stall.objects.filter(market=market).select_related("operator").order_by("number")


def stall_get(*, user, pk: int) -> Stall:
    qs = Stall.objects.select_related("market", "operator", "region")
    return get_entity_row(qs, user, entity_field="market", pk=pk)


def stall_tests(*, user, stall: Stall, limit: int = 60) -> list:
    return list(StallTest.objects.filter(stall=stall).order_by("-day", "-tested_at")[:limit])


@dataclass
class StallDay:
    """One stall's line on a market's day board: its tests and prices of the day."""

    stall: Stall
    tests: list = field(default_factory=list)
    prices: list = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(t.result == StallTest.Result.FAIL for t in self.tests)


def market_day(market: Entity, day: datetime.date, *, with_idle: bool = True) -> list[StallDay]:
    """The day board of a market: each stall trading that day with its tests and prices (failures first), in three
    queries. `with_idle=False` leaves out stalls with neither a test nor a price."""
    lines = {s.pk: StallDay(s) for s in active_stalls([market.pk], day).select_related("operator").order_by("number")}
    for t in StallTest.objects.filter(market=market, day=day).order_by("tested_at", "pk"):
        if t.stall_id in lines:
            lines[t.stall_id].tests.append(t)
    for p in StallPrice.objects.filter(market=market, day=day).order_by("product", "pk"):
        if p.stall_id in lines:
            lines[p.stall_id].prices.append(p)
    rows = [line for line in lines.values() if with_idle or line.tests or line.prices]
    return sorted(rows, key=lambda line: (not line.failed, _natural(line.stall.number)))


def _natural(number: str) -> tuple:
    """Stall numbers in the order people read them: A2 before A10."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return ("".join(ch for ch in number if not ch.isdigit()), int(digits) if digits else 0, number)


def test_list(*, user, market: Entity, day_from: datetime.date, day_to: datetime.date) -> QuerySet:
    return StallTest.objects.filter(market=market, day__gte=day_from, day__lte=day_to).select_related("stall")
