"""Scoped reads (docs/architecture.md §3.1) and the daily figures (docs/markets.md §5)."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from shian.core import kpis as registry
from shian.core.kpis import Grouping
from shian.markets import kpis
from shian.markets.selectors import markets as selectors
from shian.markets.services import testing

from .conftest import add_stall

pytestmark = pytest.mark.django_db


def test_each_user_sees_the_markets_in_reach(world):
    names = lambda user: sorted(m.name for m in selectors.markets(user=user))  # noqa: E731
    assert names(world.county) == ["乔官市场", "站前市场"]
    assert names(world.station) == ["站前市场"]
    assert names(world.cadre) == ["站前市场"]
    assert names(world.owner) == ["站前市场"]
    assert names(world.other_owner) == ["乔官市场"]
    assert names(world.outsider) == []
    assert [m.name for m in selectors.markets(user=world.county, region_code="370725107")] == ["乔官市场"]
    with pytest.raises(Http404):
        selectors.market_get(user=world.owner, pk=world.other_market.pk)
    with pytest.raises(Http404):
        selectors.market_get(user=world.station, pk=world.other_market.pk)
    ours = add_stall(world.owner, world.market, "A1")
    with pytest.raises(Http404):
        selectors.stall_get(user=world.other_owner, pk=ours.pk)
    with pytest.raises(Http404):
        selectors.stall_get(user=world.outsider, pk=ours.pk)
    assert selectors.stall_get(user=world.cadre, pk=ours.pk) == ours


def test_a_non_market_entity_is_not_a_market(world, make_user):
    from shian.accounts.models import Role

    shop = world.operator
    shop_user = make_user(Role.ENTERPRISE, "370725001001", username="shop", entity=shop)
    assert list(selectors.markets(user=shop_user)) == []
    with pytest.raises(Http404):
        selectors.market_get(user=world.county, pk=shop.pk)


def test_the_day_board_puts_failures_first(world):
    today = timezone.localdate()
    for n in ("A2", "A10", "A1"):
        add_stall(world.owner, world.market, n)
    stalls = {s.number: s for s in world.market.market_stalls.all()}
    testing.record_test(actor=world.owner, market=world.market, stall_id=stalls["A10"].pk, day=today, product="韭菜",
                        item="农药残留", result="fail", tester="李")  # fmt: skip
    board = selectors.market_day(world.market, today)
    assert [line.stall.number for line in board] == ["A10", "A1", "A2"]
    assert board[0].failed and not board[1].tests


def _parts(prefix: str, day: datetime.date) -> dict:
    return registry.total(kpis.count(prefix=prefix, grouping=Grouping(6), as_of=day).values())


def test_the_daily_figures(world):
    today = timezone.localdate()
    old = today - datetime.timedelta(days=60)
    ours = [add_stall(world.owner, world.market, f"A{n}") for n in range(1, 5)]
    theirs = [add_stall(world.other_owner, world.other_market, f"B{n}") for n in range(1, 3)]
    add_stall(world.owner, world.market, "Z9", active_from=old, active_until=old)  # not trading today
    record = lambda actor, market, stall, result, day=today: testing.record_test(  # noqa: E731
        actor=actor, market=market, stall_id=stall.pk, day=day, product="青菜", item="农药残留", result=result,
        tester="李")  # fmt: skip
    record(world.owner, world.market, ours[0], "pass")
    record(world.owner, world.market, ours[0], "fail")
    record(world.owner, world.market, ours[1], "pass")
    record(world.other_owner, world.other_market, theirs[0], "pass", today - datetime.timedelta(days=1))
    parts = _parts("370725", today)
    assert parts == {"markets_trading": 2, "stalls_trading": 6, "markets_posted": 1, "stalls_tested": 2,
                     "stall_tests": 3, "stall_tests_failed": 1}  # fmt: skip
    values = {k.key: k.value(parts) for k in registry.kpis() if k.key.startswith("markets.")}
    assert values == {"markets.posted": 1, "markets.posted_rate": 50.0, "markets.stalls_tested": 33.3,
                      "markets.failure_rate": 33.3}  # fmt: skip
    yesterday = _parts("370725", today - datetime.timedelta(days=1))
    assert (yesterday["markets_posted"], yesterday["stalls_tested"]) == (1, 1)
    township = _parts("370725107", today)
    assert township.get("markets_posted", 0) == 0 and township["stalls_trading"] == 2
    by_market = kpis.count(prefix="370725", grouping=Grouping(None), as_of=today)
    assert by_market[str(world.market.pk)]["stalls_tested"] == 2


def test_the_work_list_shows_holds_and_a_missing_posting(world):
    from shian.core.worklist import items_for

    stall = add_stall(world.owner, world.market, "A1")
    keys = lambda user: {i.key: i.count for i in items_for(user, None) if i.key.startswith("markets.")}  # noqa: E731
    assert keys(world.owner) == {"markets.on_hold": 0, "markets.not_posted": 1}
    testing.record_test(actor=world.owner, market=world.market, stall_id=stall.pk, day=timezone.localdate(),
                        product="青菜", item="农药残留", result="fail", tester="李")  # fmt: skip
    assert keys(world.owner) == {"markets.on_hold": 1, "markets.not_posted": 0}
    assert keys(world.station) == {"markets.on_hold": 1}
    assert keys(world.other_station) == {"markets.on_hold": 0}
    assert keys(world.cadre) == {}
