"""Stall registry, stall tests, holds and prices through the services (docs/markets.md §1–§3): scope, bad input,
nothing half-written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from shian.core.models import AuditEntry, DeadlineRule, Notification
from shian.inspections.models import Station
from shian.markets.models import Stall, StallPrice, StallTest
from shian.markets.services import prices, stalls, testing
from shian.sampling.models import RapidTest, RapidTestRoom

from .conftest import add_stall

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _test(actor, market, stall, result="pass", **kw):
    kw.setdefault("day", TODAY())
    return testing.record_test(actor=actor, market=market, stall_id=stall.pk, product=kw.pop("product", "青菜"),
                               item="农药残留", result=result, tester="李检测", **kw)  # fmt: skip


def test_the_market_and_the_station_register_stalls(world):
    by_owner = add_stall(world.owner, world.market, "a01", operator_phone="13812345678", categories=["蔬菜", "fruit"])
    assert (by_owner.number, by_owner.categories, by_owner.region_id) == (
        "A01",
        ["vegetables", "fruit"],
        "370725001001",
    )
    by_station = add_stall(world.station, world.market, "B02", operator_id=world.operator.pk, operator_name="")
    assert by_station.operator_label() == "鲜丰蔬菜店"
    assert AuditEntry.objects.filter(action="markets.stall_add").count() == 2
    entry = AuditEntry.objects.filter(action="markets.stall_add").first()
    assert "13812345678" not in str(entry.after)  # the phone is masked in the audit trail


def test_a_stall_number_twice_is_refused(world):
    add_stall(world.owner, world.market, "A01")
    with pytest.raises(ValidationError) as caught:
        add_stall(world.owner, world.market, " a01 ")
    assert "本市场已有摊位号“A01”" in str(caught.value.message_dict["number"])
    assert Stall.objects.count() == 1
    add_stall(world.other_owner, world.other_market, "A01")  # another market may use the same number


def test_bad_stall_fields_are_named(world):
    with pytest.raises(ValidationError) as caught:
        stalls.add_stall(actor=world.owner, market=world.market, number="", operator_name="", categories=["菌菇"],
                         active_from=TODAY(), active_until=TODAY() - datetime.timedelta(days=1),
                         operator_phone="12345")  # fmt: skip
    errors = caught.value.message_dict
    assert set(errors) >= {"number", "operator", "categories", "active_until"}
    assert "菌菇" in errors["categories"][0]
    with pytest.raises(ValidationError) as caught:
        add_stall(world.owner, world.market, "A1", operator_name="张三", operator_phone="12345")
    assert "operator_phone" in caught.value.message_dict
    with pytest.raises(ValidationError):
        stalls.add_stall(actor=world.owner, market=world.market, number="A1", categories=["meat"],
                         active_from=TODAY(), unknown="x")  # fmt: skip
    assert not Stall.objects.exists()


def test_an_operator_outside_the_market_county_reads_as_unknown(world):
    from shian.entities.models import Entity

    far = Entity.objects.create(name="博山菜店", region_id="370304001", business_type="small")
    with pytest.raises(ValidationError) as caught:
        add_stall(world.station, world.market, "A1", operator_id=far.pk, operator_name="")
    assert "operator" in caught.value.message_dict


def test_who_may_keep_a_market(world):
    with pytest.raises(Http404):  # another market's own account: the market is out of its reach
        add_stall(world.other_owner, world.market, "A1")
    with pytest.raises(Http404):  # the other township's station
        add_stall(world.other_station, world.market, "A1")
    with pytest.raises(Http404):
        add_stall(world.outsider, world.market, "A1")
    with pytest.raises(PermissionDenied):  # a cadre reads, it does not keep
        add_stall(world.cadre, world.market, "A1")
    assert not Stall.objects.exists()


def test_a_test_for_a_stall_of_another_market_is_refused(world):
    theirs = add_stall(world.other_owner, world.other_market, "C1")
    with pytest.raises(ValidationError) as caught:
        _test(world.owner, world.market, theirs)
    assert "不属于本市场" in caught.value.message_dict["stall"][0]
    assert not StallTest.objects.exists()


def test_a_future_date_and_missing_fields_are_refused(world):
    stall = add_stall(world.owner, world.market, "A1")
    with pytest.raises(ValidationError) as caught:
        _test(world.owner, world.market, stall, day=TODAY() + datetime.timedelta(days=1))
    assert "不能晚于今天" in caught.value.message_dict["day"][0]
    with pytest.raises(ValidationError) as caught:
        testing.record_test(actor=world.owner, market=world.market, stall_id=stall.pk, day=TODAY(), product=" ",
                            item="", result="maybe", tester="")  # fmt: skip
    assert set(caught.value.message_dict) == {"product", "item", "result", "tester"}
    with pytest.raises(ValidationError) as caught:  # before the stall was in use
        _test(world.owner, world.market, stall, day=stall.active_from - datetime.timedelta(days=1))
    assert "未启用" in caught.value.message_dict["day"][0]
    assert not StallTest.objects.exists()


def test_a_failed_test_puts_the_stall_on_hold_and_alerts_the_station(world):
    stall = add_stall(world.owner, world.market, "A1")
    _test(world.owner, world.market, stall, "pass")
    stall.refresh_from_db()
    assert not stall.on_hold
    _test(world.owner, world.market, stall, "fail", product="豇豆")
    stall.refresh_from_db()
    assert stall.on_hold and "豇豆" in stall.hold_reason
    alerted = set(Notification.objects.filter(kind="markets.hold").values_list("user__username", flat=True))
    assert alerted == {"station", "owner"}  # the station over the market and the market; not the other township
    _test(world.owner, world.market, stall, "fail")  # already on hold: no second alert
    assert Notification.objects.filter(kind="markets.hold").count() == 2
    with pytest.raises(ValidationError):
        testing.release_hold(actor=world.owner, stall=stall, note=" ")
    testing.release_hold(actor=world.station, stall=stall, note="复检合格，问题豇豆已下架")
    stall.refresh_from_db()
    assert not stall.on_hold
    assert AuditEntry.objects.filter(action__in=["markets.hold", "markets.release"]).count() == 2
    with pytest.raises(ValidationError):  # not on hold any more
        testing.release_hold(actor=world.station, stall=stall, note="再次解除")


def test_the_hold_threshold_is_a_rule(world):
    DeadlineRule.objects.create(code="markets.hold_failures", name="两次", region_prefix="370725", version=2,
                                unit="n", amount=2, valid_from=datetime.date(2000, 1, 2), source="测试")  # fmt: skip
    stall = add_stall(world.owner, world.market, "A1")
    _test(world.owner, world.market, stall, "fail")
    stall.refresh_from_db()
    assert not stall.on_hold
    _test(world.owner, world.market, stall, "fail")
    stall.refresh_from_db()
    assert stall.on_hold


def test_a_station_test_in_a_rapid_test_room_goes_through_the_rapid_service(world):
    stall = add_stall(world.owner, world.market, "A1")
    station = Station.objects.create(code="baodu", name="宝都市场监管所", region_id="370725001")
    room = RapidTestRoom.objects.create(station=station, name="宝都快检室", since=datetime.date(2026, 1, 1))
    test = _test(world.station, world.market, stall, "fail", room=room)
    linked = RapidTest.objects.get()
    assert test.rapid_test == linked
    assert (linked.result, linked.entity_id, linked.room_id) == ("positive", world.market.pk, room.pk)
    with pytest.raises(PermissionDenied):  # the market's own testers do not write into the station's room
        _test(world.owner, world.market, stall, room=room)


def test_prices_replace_the_day_and_refuse_bad_rows(world):
    stall = add_stall(world.owner, world.market, "A1")
    rows = [{"product": "白菜", "unit": "斤", "price": "1.20"}, {"product": "土豆", "unit": "", "price": "2"}]
    prices.set_prices(actor=world.owner, market=world.market, stall_id=stall.pk, day=TODAY(), rows=rows)
    prices.set_prices(actor=world.owner, market=world.market, stall_id=stall.pk, day=TODAY(), rows=rows[:1])
    assert list(StallPrice.objects.values_list("product", "unit")) == [("白菜", "斤")]
    with pytest.raises(ValidationError) as caught:
        prices.set_prices(actor=world.owner, market=world.market, stall_id=stall.pk, day=TODAY(),
                          rows=[{"product": "白菜", "price": "0"}, {"product": "白菜", "price": "abc"}])  # fmt: skip
    text = " ".join(caught.value.message_dict["rows"])
    assert "第 1 行" in text and "重复" in text
    assert StallPrice.objects.count() == 1  # the refused list left the stored one alone
