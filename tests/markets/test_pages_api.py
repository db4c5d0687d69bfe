"""The pages and the API of smart markets (docs/markets.md §4): the staff and market pages, the public page (no
login, no personal data, rate limited), and the API's writes with their bad input."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from shian.core.models import DeadlineRule
from shian.markets.models import Stall, StallTest
from shian.markets.services import prices, testing

from .conftest import add_stall

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def day_world(world):
    """Two stalls of 站前市场 — a person's (with a phone) and a registered business's — tested today, one failed,
    with prices."""
    today = timezone.localdate()
    person = add_stall(world.owner, world.market, "A1", operator_name="王秀兰", operator_phone="13812345678")
    shop = add_stall(world.owner, world.market, "A2", operator_id=world.operator.pk, operator_name="",
                     categories=["meat"])  # fmt: skip
    for stall, result in ((person, "fail"), (shop, "pass")):
        testing.record_test(actor=world.owner, market=world.market, stall_id=stall.pk, day=today, product="豇豆",
                            item="农药残留", result=result, tester="检测员赵敏")  # fmt: skip
    prices.set_prices(actor=world.owner, market=world.market, stall_id=shop.pk, day=today,
                      rows=[{"product": "猪肉", "unit": "斤", "price": "13.50"}])  # fmt: skip
    return world


def test_the_public_page_shows_the_day_without_personal_data(day_world):
    cache.clear()
    response = Client().get(f"/markets/public/{day_world.market.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "站前市场" in text and "鲜丰蔬菜店" in text and "13.50" in text
    assert text.count('data-testid="public-failed"') == 1
    for personal in ("王秀兰", "13812345678", "138****5678", "检测员赵敏"):
        assert personal not in text
    assert "csrfmiddlewaretoken" not in text and "Set-Cookie" not in str(response.headers)


def test_the_public_page_is_rate_limited_and_hides_what_is_not_a_trading_market(day_world):
    DeadlineRule.objects.create(code="markets.public_per_minute", name="限额", region_prefix="", version=1, unit="n",
                                amount=2, valid_from=datetime.date(2024, 1, 1), source="测试")  # fmt: skip
    cache.clear()
    client = Client(REMOTE_ADDR="198.51.100.9")
    url = f"/markets/public/{day_world.market.pk}/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert 1 <= int(client.get(url)["Retry-After"]) <= 60
    cache.clear()
    assert Client().get(f"/markets/public/{day_world.operator.pk}/").status_code == 404  # a shop, not a market
    assert Client().post(f"/markets/public/{day_world.market.pk}/").status_code == 405


def test_the_market_page_and_the_registry(day_world):
    w = day_world
    page = _client(w.owner).get(f"/markets/{w.market.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="on-hold"' in text and "登记快检" in text
    assert _client(w.owner).get("/markets/").status_code == 302  # the market's account goes to its market
    listing = _client(w.county).get("/markets/").content.decode()
    assert "站前市场" in listing and "乔官市场" in listing
    registry = _client(w.cadre).get(f"/markets/{w.market.pk}/stalls/").content.decode()
    assert "138****5678" in registry and "13812345678" not in registry and "登记摊位" not in registry
    assert _client(w.other_owner).get(f"/markets/{w.market.pk}/").status_code == 404
    assert _client(w.cadre).get(f"/markets/{w.market.pk}/stalls/import/").status_code == 403


def test_forms_post_a_test_and_refuse_a_duplicate_stall(world):
    stall = add_stall(world.owner, world.market, "A1")
    client = _client(world.owner)
    response = client.post(f"/markets/{world.market.pk}/", {
        "action": "test", "stall": stall.pk, "day": timezone.localdate().isoformat(), "product": "菠菜",
        "item": "农药残留", "result": "pass", "tester": "李"})  # fmt: skip
    assert response.status_code == 302 and StallTest.objects.count() == 1
    response = client.post(f"/markets/{world.market.pk}/stalls/", {
        "number": "a1", "operator_name": "张三", "categories": ["vegetables"],
        "active_from": timezone.localdate().isoformat()})  # fmt: skip
    assert response.status_code == 422 and "本市场已有摊位号" in response.content.decode()
    response = client.post(f"/markets/{world.market.pk}/stalls/import/", {
        "file": io.BytesIO("摊位号,经营者姓名,经营类别,启用日期\nB1,张三,蔬菜,2026-01-05\n".encode())})  # fmt: skip
    assert response.status_code == 302 and Stall.objects.filter(number="B1").exists()
    assert client.get("/markets/stalls/template.xlsx").status_code == 200


def test_the_api(day_world):
    w = day_world
    client = _client(w.station)
    listing = client.get("/api/v1/markets/markets").json()
    assert [(m["name"], m["tests"], m["failed"]) for m in listing["items"]] == [("站前市场", 2, 1)]
    board = client.get(f"/api/v1/markets/markets/{w.market.pk}/day").json()
    assert board["lines"][0]["failed"] and board["lines"][0]["stall"]["operator_phone"] == "138****5678"
    stalls = client.get(f"/api/v1/markets/markets/{w.market.pk}/stalls").json()["items"]
    a2 = next(s for s in stalls if s["number"] == "A2")
    payload = {"stall_id": a2["id"], "day": timezone.localdate().isoformat(), "product": "猪肉", "item": "瘦肉精",
               "result": "pass", "tester": "所里"}  # fmt: skip
    assert (
        client.post(
            f"/api/v1/markets/markets/{w.market.pk}/tests", payload, content_type="application/json"
        ).status_code
        == 201
    )
    future = {**payload, "day": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}
    bad = client.post(f"/api/v1/markets/markets/{w.market.pk}/tests", future, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "day"
    theirs = add_stall(w.other_owner, w.other_market, "Q1")
    other = _client(w.county).post(f"/api/v1/markets/markets/{w.market.pk}/tests", {**payload, "stall_id": theirs.pk},
                                   content_type="application/json")  # fmt: skip
    assert other.status_code == 422 and "不属于本市场" in other.json()["message"]
    dup = client.post(f"/api/v1/markets/markets/{w.market.pk}/stalls", {
        "number": "A2", "operator_name": "张三", "categories": ["meat"], "active_from": "2026-01-01"},
        content_type="application/json")  # fmt: skip
    assert dup.status_code == 422
    held = next(s for s in stalls if s["number"] == "A1")
    released = client.post(f"/api/v1/markets/stalls/{held['id']}/release", {"note": "复检合格"},
                           content_type="application/json")  # fmt: skip
    assert released.status_code == 200 and released.json()["on_hold"] is False
    assert _client(w.cadre).post(f"/api/v1/markets/stalls/{held['id']}/release", {"note": "x"},
                                 content_type="application/json").status_code == 403  # fmt: skip
    assert _client(w.other_owner).get(f"/api/v1/markets/markets/{w.market.pk}/day").status_code == 404


def test_editing_a_stall_keeps_the_masked_phone_left_empty(world):
    stall = add_stall(world.owner, world.market, "A1", operator_name="王秀兰", operator_phone="13812345678")
    page = _client(world.station).get(f"/markets/stalls/{stall.pk}/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    response = _client(world.station).post(f"/markets/stalls/{stall.pk}/", {
        "action": "edit", "number": "A1", "operator_name": "王秀兰", "operator_phone": "", "categories": ["meat"],
        "active_from": stall.active_from.isoformat()})  # fmt: skip
    assert response.status_code == 302
    stall.refresh_from_db()
    assert (stall.operator_phone, stall.categories) == ("13812345678", ["meat"])


def test_the_portal_business_page_of_a_market_links_its_board(world):
    cache.clear()
    text = Client().get(f"/public/b/{world.market.pk}/").content.decode()
    assert f"/markets/public/{world.market.pk}/" in text
    assert "portal-market-board" not in Client().get(f"/public/b/{world.operator.pk}/").content.decode()
