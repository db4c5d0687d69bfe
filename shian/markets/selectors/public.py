"""The public market page's reads (docs/markets.md §4): no login and no personal data. A stall shows its number,
its categories and, when its operator is a registered business, the business's name (businesses are public); a
person who runs a stall, a phone number or a tester's name is never read here."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _

from shian.entities.models import Entity

from ..models import StallTest
from .markets import market_day, market_queryset


def public_market(pk: int) -> Entity:
    """A trading market of the registry, or 404."""
    market = market_queryset().filter(pk=pk, status=Entity.Status.OPERATING).select_related("region").first()
    if market is None:
        raise Http404(_("未找到该市场。"))
    return market


def public_board(market: Entity, day: datetime.date) -> list[dict]:
    """The day's board: each stall trading that day with its tests and prices, failures first; plain values only."""
    rows = []
    for line in market_day(market, day):
        stall = line.stall
        rows.append({
            "number": stall.number,
            "operator": stall.operator.name if stall.operator_id else _("个体经营户"),
            "categories": stall.category_labels(),
            "on_hold": stall.on_hold,
            "failed": line.failed,
            "tests": [{"product": t.product, "item": t.item, "result": t.result, "failed": t.result == StallTest.Result.FAIL,
                       "time": t.tested_at} for t in line.tests],
            "prices": [{"product": p.product, "unit": p.unit, "price": p.price} for p in line.prices],
        })  # fmt: skip
    return rows
