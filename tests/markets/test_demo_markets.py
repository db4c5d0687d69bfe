"""The smart-market demo (docs/markets.md §6) on the small region tree: two markets with accounts, stalls, a month
of tests with a few failures and a hold, prices; once only; the KPI counts it."""

import datetime

import pytest
from django.utils import timezone

from shian.accounts.models import User
from shian.core.kpis import Grouping
from shian.demo.markets import load_markets
from shian.markets import kpis
from shian.markets.models import Stall, StallPrice, StallTest
from shian.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_demo_loads_two_markets_once(regions):
    from shian.entities.models import Entity

    today = timezone.localdate()
    for n in range(3):  # registered 食品摊贩 of the county: the demo's operators, none made by it
        Entity.objects.create(name=f"摊贩{n}", region_id="370725001001", business_type="small", sub_type="stall")
    made = load_markets(county=Region.objects.get(code="370725"), seed=1, today=today)
    assert made["markets"] == 2 and made["stalls"] == 40
    assert made["failed"] >= 1 and made["on_hold"] >= 1
    account = User.objects.get(username="market")
    assert account.entity.business_type == "market" and account.entity.market_stalls.count() == 20
    assert StallTest.objects.filter(day__lt=today - datetime.timedelta(days=25)).exists()
    assert StallPrice.objects.filter(day=today).exists()
    assert (
        Stall.objects.filter(operator__isnull=False).count() == 3 and Stall.objects.exclude(operator_phone="").exists()
    )
    assert Entity.objects.count() == 3 + 2  # the vendors and the two markets a county without markets gets
    parts = kpis.count(prefix="370725", grouping=Grouping(None), as_of=today)
    assert sum(p.get("markets_posted", 0) for p in parts.values()) == 2
    assert load_markets(county=Region.objects.get(code="370725"), seed=1, today=today) == {}
    assert Stall.objects.count() == 40
