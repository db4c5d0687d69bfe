"""The public portal's pages (docs/portal.md §2): search by name, address or USCC without an account; the business
page shows licences, the rating with its 量化 face, published inspections and samples, list entries, and never a
person; injection-like queries get a normal answer; only published editions exist; over the limit a client gets
429 with Retry-After."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client

from shian.core.models import DeadlineRule

from .world import ID_NUMBER, PEOPLE, PHONES, USCC

pytestmark = pytest.mark.django_db


def _page(path, **params) -> str:
    response = Client().get(path, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _hits(page: str) -> list[str]:
    return re.findall(r'data-testid="portal-hit">([^<]+)<', page)


def test_a_business_is_found_by_part_of_its_name(portal_world):
    assert _hits(_page("/public/", q="福满楼")) == ["昌乐县福满楼酒店"]


def test_a_business_is_found_by_part_of_its_address(portal_world):
    assert _hits(_page("/public/", q="政府街")) == ["乔官镇便民超市"]


def test_a_business_is_found_by_its_uscc_or_a_prefix_of_it(portal_world):
    assert _hits(_page("/public/", q=USCC)) == ["昌乐县福满楼酒店"]
    assert _hits(_page("/public/", q=USCC[:10].lower())) == ["昌乐县福满楼酒店"]


def test_a_deregistered_business_is_not_found_and_its_page_does_not_exist(portal_world):
    assert _hits(_page("/public/", q="已注销")) == []
    assert Client().get(f"/public/b/{portal_world['gone'].pk}/").status_code == 404


def test_a_search_result_shows_the_latest_published_rating(portal_world):
    page = _page("/public/", q="福满楼")
    assert "😄" in page and "优秀" in page  # the 10-day-old published inspection, not the unpublished one


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        "福满楼'; DROP TABLE entities_entity; --",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "%_%",
        "\\",
        "x" * 500,
    ],
)
def test_a_query_with_sql_or_script_fragments_gets_a_normal_no_result_page(portal_world, query):
    response = Client().get("/public/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    assert _hits(page) == []
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'data-testid="portal-message"' in page
    assert _hits(_page("/public/", q="福满楼")) == ["昌乐县福满楼酒店"]  # nothing was dropped


def test_a_one_character_query_asks_for_more(portal_world):
    page = _page("/public/", q="楼")
    assert _hits(page) == [] and "至少" in page


def test_the_business_page_shows_licence_rating_inspections_samples_and_lists(portal_world):
    w = portal_world
    page = _page(f"/public/b/{w['restaurant'].pk}/")
    assert "昌乐县福满楼酒店" in page and USCC in page
    assert "JY23707250012345" in page and "有效" in page
    assert "😄" in page and "优秀（大笑）" in page and "良好（微笑）" in page  # latest face and the earlier one
    assert "自制辣椒酱" in page and "凉拌黄瓜" in page and "菌落总数" in page
    assert "未公布的馒头" not in page  # an unpublished sample
    assert "一般（平脸）" not in page  # the unpublished inspection
    assert "量化等级优秀" in page and "红榜" in page  # the published edition's line
    assert "草稿中的黑榜理由" not in page  # a draft edition's line


def test_the_business_page_names_no_person_phone_or_id_even_with_key_persons_and_staff(portal_world):
    page = _page(f"/public/b/{portal_world['restaurant'].pk}/")
    for secret in (*PEOPLE, *PHONES, ID_NUMBER, "周执法", "13800001111", "13977778888", "现场检查意见"):
        assert secret not in page, secret


def test_a_record_under_correction_review_is_left_off_the_page(portal_world):
    from shian.portal.selectors.business import business_page

    w = portal_world
    shown = business_page(w["restaurant"].pk)
    assert shown["latest"]["id"] == w["new"].pk
    under_review = {("inspection", w["new"].pk), ("sample", w["failed"].pk)}
    context = business_page(w["restaurant"].pk, exclude=under_review)
    assert context["latest"]["id"] == w["old"].pk  # the one before takes its place
    assert w["new"].pk not in [i["id"] for i in context["inspections"]]
    assert [s.product for s in context["samples"]] == ["自制辣椒酱"]


def test_only_published_editions_are_listed_and_shown(portal_world):
    w = portal_world
    listing = _page("/public/editions/")
    assert "昌乐县2026年11月第1期红黑榜" in listing and "草稿" not in listing
    page = _page(f"/public/editions/{w['published'].pk}/")
    assert "量化等级优秀" in page and "乔官镇便民超市" in page and "抽检不合格" in page
    assert Client().get(f"/public/editions/{w['draft'].pk}/").status_code == 404


def test_public_pages_are_cacheable_and_set_no_cookie(portal_world):
    response = Client().get(f"/public/b/{portal_world['restaurant'].pk}/")
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert not response.cookies


def test_the_map_points_of_a_county_carry_the_rating(portal_world):
    data = Client().get("/public/map/points.json", {"county": "370725"}).json()
    points = {p[1]: p for p in data["points"]}
    assert points["昌乐县福满楼酒店"][4] == "excellent"
    assert "已注销饭店" not in points
    assert _page("/public/map/", county="370725")


def test_a_client_over_the_page_limit_gets_429_with_retry_after(portal_world):
    DeadlineRule.objects.create(code="portal.per_minute", name="限额", region_prefix="", version=1, unit="n",
                                amount=3, valid_from=datetime.date(2024, 1, 1), source="测试")  # fmt: skip
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.get("/public/", {"q": "福满楼"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/public/editions/")
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
    assert "请求过于频繁" in response.content.decode()
    assert Client(REMOTE_ADDR="203.0.113.10").get("/public/").status_code == 200  # another client is not held
