"""Demo data of smart markets (docs/markets.md §6) for one county: two farmers' markets of the county (the first
two the entity demo made, or two new ones), each with an enterprise account (`market` is the first's), about twenty
stalls (every fourth run by a registered 食品摊贩 of the county, the others by named people with phones), a month of daily stall
tests — most stalls every day, about 2 % failed, the stalls failed yesterday or today still on hold — and the
prices of the last week. Tests and prices are bulk data (the demo is data, docs/architecture.md §6.1); the stalls,
accounts and holds look as the services leave them.

`load_markets(county=, seed=, today=)`: idempotent (nothing when a market of the county already has stalls)."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.core import audit
from shian.core.jurisdiction import narrow_to
from shian.demo.accounts import DEMO_PASSWORD
from shian.demo.names import mobile_number, person_name
from shian.entities.models import BusinessType, Entity, SubType
from shian.markets.models import Stall, StallPrice, StallTest
from shian.regions.models import Region

DAYS = 30
STALLS = 20
FAIL_PCT = 2
# category -> (products with a rapid-test item, prices per 斤 as (low, high))
GOODS = {
    "vegetables": [("青菜", "农药残留"), ("韭菜", "农药残留"), ("豇豆", "农药残留"), ("芹菜", "农药残留")],
    "fruit": [("苹果", "农药残留"), ("草莓", "农药残留")],
    "meat": [("鲜猪肉", "克伦特罗"), ("鸡肉", "恩诺沙星")],
    "aquatic": [("草鱼", "孔雀石绿"), ("小龙虾", "孔雀石绿")],
    "eggs": [("鸡蛋", "恩诺沙星")],
    "cooked": [("熟牛肉", "亚硝酸盐")],
    "grain_oil": [("散装花生油", "黄曲霉毒素")],
}
PRICES = {"青菜": (1.5, 3), "韭菜": (2, 4), "豇豆": (4, 7), "芹菜": (1.5, 3), "苹果": (3, 6), "草莓": (10, 18),
          "鲜猪肉": (12, 16), "鸡肉": (8, 12), "草鱼": (7, 10), "小龙虾": (20, 35), "鸡蛋": (4, 6),
          "熟牛肉": (40, 50), "散装花生油": (9, 12)}  # fmt: skip
LAYOUT = (
    ["vegetables"] * 8 + ["fruit"] * 3 + ["meat"] * 3 + ["aquatic"] * 2 + ["eggs", "cooked", "grain_oil", "vegetables"]
)


def _markets(county: Region) -> list[Entity]:
    found = list(
        narrow_to(
            Entity.objects.filter(business_type=BusinessType.MARKET, status=Entity.Status.OPERATING), county.code
        ).order_by("pk")[:2]
    )
    township = county.children.order_by("code").first()
    while len(found) < 2:
        n = len(found) + 1
        found.append(Entity.objects.create(name=f"{county.name}第{n}农贸市场", region=township or county,
                                           business_type=BusinessType.MARKET, sub_type=SubType.FARMERS_MARKET,
                                           address=f"{county.name}市场路{n}号"))  # fmt: skip
    return found


def _account(market: Entity, username: str) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={
        "role": Role.ENTERPRISE, "entity": market, "region_id": market.region_id, "entity_role": "principal",
        "name": f"{market.name}管理员", "password": make_password(DEMO_PASSWORD)})  # fmt: skip
    if created:
        audit.record(actor=None, action="account.create", obj=user, region_code=user.region_id,
                     after=audit.snapshot(user))  # fmt: skip
    return user


def _stalls(market: Entity, rng: random.Random, today: datetime.date, actor: User, vendors: list) -> list[Stall]:
    since = today - datetime.timedelta(days=DAYS + rng.randint(30, 300))
    rows = []
    for n, category in enumerate(LAYOUT[:STALLS], 1):
        number = f"{'A' if n <= 10 else 'B'}{(n - 1) % 10 + 1:02d}"
        operator, name, phone = None, "", ""
        if n % 4 == 0 and vendors:
            operator = vendors.pop()
        else:
            name, phone = person_name(rng), mobile_number(rng)
        extra = ["fruit"] if category == "vegetables" and rng.random() < 0.3 else []
        rows.append(Stall(market=market, region_id=market.region_id, number=number, operator=operator,
                          operator_name=name, operator_phone=phone, categories=[category, *extra],
                          active_from=since))  # fmt: skip
    made = Stall.objects.bulk_create(rows)
    audit.record(actor=actor, action="markets.stall_import", object_type="markets.stall", region_code=market.region_id,
                 object_repr=market.name, after={"market": market.pk, "file": "演示数据", "rows": len(made)})  # fmt: skip
    return made


def _days(market, stalls, rng, today, actor) -> tuple[int, int]:
    tester = f"{market.name.removesuffix('农贸市场')}检测员{person_name(rng)}"[-12:]
    tests, prices, failures = [], [], 0
    for back in range(DAYS, -1, -1):
        day = today - datetime.timedelta(days=back)
        if back and rng.random() < 0.05:
            continue  # a day the market did not post
        for k, stall in enumerate(stalls):
            if back == 0 and k >= len(stalls) * 2 // 3:
                break  # today: the morning round is still going on
            if rng.random() < 0.12:
                continue
            product, item = rng.choice(GOODS[stall.categories[0]])
            failed = rng.random() * 100 < FAIL_PCT or (back == 1 and k == 2)  # one stall failed yesterday
            failures += failed
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(6 + k // 6, (k * 7) % 60)))
            tests.append(StallTest(stall=stall, market=market, region_id=market.region_id, day=day, tested_at=at,
                                   product=product, item=item, result="fail" if failed else "pass", tester=tester,
                                   recorded_by=actor))  # fmt: skip
            if failed and back <= 1:
                stall.on_hold, stall.held_at = True, at
                stall.hold_reason = f"{day.isoformat()} 快检不合格：{product} {item}"
            if back < 7 and k % 2 == 0:
                low, high = PRICES[product]
                price = Decimal(str(round(rng.uniform(low, high), 1)))
                prices.append(StallPrice(stall=stall, market=market, day=day, product=product, price=price,
                                         recorded_by=actor))  # fmt: skip
    StallTest.objects.bulk_create(tests, batch_size=2000)
    StallPrice.objects.bulk_create(prices, batch_size=2000, ignore_conflicts=True)
    Stall.objects.bulk_update([s for s in stalls if s.on_hold], ["on_hold", "held_at", "hold_reason"])
    return len(tests), failures


def load_markets(*, county: Region, seed: int, today: datetime.date) -> dict[str, int]:
    """See the module docstring; returns what was made."""
    if narrow_to(Stall.objects.all(), county.code).exists():
        return {}
    rng = random.Random(f"{seed}:markets:{county.code}")
    made = {"markets": 0, "stalls": 0, "tests": 0, "failed": 0, "on_hold": 0}
    # registered 食品摊贩 of the county run every fourth stall (the registry's own, none made here)
    vendors = list(narrow_to(Entity.objects.filter(sub_type=SubType.STALL, status=Entity.Status.OPERATING), county.code)
                   .order_by("-pk")[: 2 * STALLS // 4])  # fmt: skip
    with transaction.atomic():
        for n, market in enumerate(_markets(county)):
            actor = _account(market, "market" if n == 0 else f"market{n + 1}")
            stalls = _stalls(market, rng, today, actor, vendors)
            tests, failed = _days(market, stalls, rng, today, actor)
            made["markets"] += 1
            made["stalls"] += len(stalls)
            made["tests"] += tests
            made["failed"] += failed
            made["on_hold"] += sum(1 for s in stalls if s.on_hold)
    return made
