"""The matrix world's markets objects (docs/markets.md): a market per position (in the position's village, a stall
run by the position's business, a test and a price today), kinds "market" and "stall"; and for the public page
(kind "public_market") a deregistered market per position, which answers 404 to everyone (a trading market's
page is public by design; its no-person rule is tested in tests/markets). The world raises the public page's
per-address limit, as world_portal does for the portal's."""


def add_all(w, users) -> None:
    import datetime

    from django.utils import timezone

    from shian.core.models import DeadlineRule
    from shian.entities.models import Entity
    from shian.markets.models import Stall, StallPrice, StallTest

    from .world import MARKERS, Instance, w_admin

    DeadlineRule.objects.create(code="markets.public_per_minute", name="访问矩阵", region_prefix="", version=999,
                                unit="n", amount=1_000_000, valid_from=datetime.date(2000, 1, 1), source="访问矩阵")  # fmt: skip
    today = timezone.localdate()
    for pos, entity in w.entities.items():
        if pos == "neighbour":
            continue  # one market per village is enough: the neighbour shares the own position's village
        m = MARKERS[pos]
        place = entity.region_id
        market = Entity.objects.create(name=f"{m}农贸市场", region_id=place, business_type="market",
                                       sub_type="farmers_market", address=f"{m}市场路1号")  # fmt: skip
        stall = Stall.objects.create(market=market, region_id=place, number="A1", operator=entity,
                                     categories=["vegetables"], active_from=today - datetime.timedelta(days=10),
                                     on_hold=True, held_at=timezone.now(), hold_reason=f"{m}不合格")  # fmt: skip
        Stall.objects.create(market=market, region_id=place, number="A2", operator_name=f"{m}摊主",
                             operator_phone="13800138000", categories=["meat"], active_from=today)  # fmt: skip
        recorder = w_admin(place[:6])
        StallTest.objects.create(stall=stall, market=market, region_id=place, day=today, tested_at=timezone.now(),
                                 product=f"{m}青菜", item="农药残留", result="fail", tester=f"{m}检测员",
                                 recorded_by=recorder)  # fmt: skip
        StallPrice.objects.create(stall=stall, market=market, day=today, product=f"{m}白菜", price=1,
                                  recorded_by=recorder)  # fmt: skip
        w.objects.setdefault("market", []).append(Instance(pos, {"pk": market.pk}, place, market.pk))
        w.objects.setdefault("stall", []).append(Instance(pos, {"pk": stall.pk}, place, market.pk))
        closed = Entity.objects.create(name=f"{m}已注销市场", region_id=place, business_type="market",
                                       address=f"{m}旧市场", status=Entity.Status.DEREGISTERED)  # fmt: skip
        Stall.objects.create(market=closed, region_id=place, number="Z1", operator_name=f"{m}旧摊主",
                             categories=["fruit"], active_from=today)  # fmt: skip
        w.objects.setdefault("public_market", []).append(Instance(pos, {"pk": closed.pk}, place, closed.pk))


EXTENSIONS = [add_all]
