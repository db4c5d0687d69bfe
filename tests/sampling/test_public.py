"""Disclosure (docs/sampling.md §5): staff publish results (one, a month) and withdraw them with a reason; the
public page and the open API show only published results, with businesses and products but never people, filter
and page by keyset; the open API is rate-limited per client address."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.models import AuditEntry, DeadlineRule
from shian.entities.models import Entity
from shian.sampling.services import publish as services

from .public_setup import close_disposal, make_result
from .samples_setup import station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
PUBLIC = "/sampling/public/"
OPEN = "/api/open/v1/sampling/results"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_publishing_a_result_shows_it_on_the_public_page_without_people(station_world):
    w = station_world
    sample = make_result(w, conclusion="fail", product="鲜猪肉")
    close_disposal(sample)
    anon = Client()
    assert "鲜猪肉" not in anon.get(PUBLIC).content.decode()
    services.publish_sample(actor=w["zhang"], sample=sample)
    page = anon.get(PUBLIC).content.decode()
    assert "鲜猪肉" in page and "宝都超市" in page and "佛山市海天调味食品股份有限公司" in page
    assert "菌落总数" in page and "已办结" in page  # the failed item and the disposal outcome
    for person in ("张抽样", "李抽样", "孙店长", "苯甲酸"):  # samplers, the signer; passed items are not listed
        assert person not in page
    entry = AuditEntry.objects.get(action="sample.publish")
    assert entry.object_id == str(sample.pk) and entry.after["disposal"] is True


def test_a_result_without_conclusion_or_already_published_is_refused(station_world):
    w = station_world
    sample = make_result(w, conclusion="")
    with pytest.raises(ValidationError, match="尚无检验结论"):
        services.publish_sample(actor=w["zhang"], sample=sample)
    done = make_result(w, published=timezone.now())
    with pytest.raises(ValidationError, match="已公布"):
        services.publish_sample(actor=w["zhang"], sample=done)


def test_publishing_is_for_station_staff_inside_their_jurisdiction(station_world, make_user):
    w = station_world
    sample = make_result(w)
    with pytest.raises(PermissionDenied):
        services.publish_sample(actor=make_user(Role.CADRE, "370725001"), sample=sample)
    outsider = make_user(Role.STATION_STAFF, "370725107")
    with pytest.raises(Http404):
        services.publish_sample(actor=outsider, sample=sample)


def test_withdrawing_needs_a_reason_and_takes_the_result_off_the_page(station_world):
    w = station_world
    sample = make_result(w, product="散装白酒", published=timezone.now())
    anon = Client()
    assert "散装白酒" in anon.get(PUBLIC).content.decode()
    with pytest.raises(ValidationError) as exc:
        services.withdraw_sample(actor=w["zhang"], sample=sample, reason=" ")
    assert "reason" in exc.value.message_dict
    services.withdraw_sample(actor=w["zhang"], sample=sample, reason="报告编号录入错误")
    assert "散装白酒" not in anon.get(PUBLIC).content.decode()
    assert AuditEntry.objects.get(action="sample.withdraw").after["reason"] == "报告编号录入错误"


def test_a_month_is_published_at_once_within_the_jurisdiction_only(station_world):
    w = station_world
    march = [make_result(w, report_date=datetime.date(2026, 3, d)) for d in (1, 15, 31)]
    april = make_result(w, report_date=datetime.date(2026, 4, 1))
    other = make_result(w, entity=w["other"], report_date=datetime.date(2026, 3, 2))  # 乔官镇: not 张's township
    n = services.publish_month(actor=w["zhang"], region_code="", month="2026-03")
    assert n == 3
    for s in march:
        s.refresh_from_db()
        assert s.published_at is not None
    april.refresh_from_db()
    other.refresh_from_db()
    assert april.published_at is None and other.published_at is None
    with pytest.raises(ValidationError, match="没有待公布"):
        services.publish_month(actor=w["zhang"], region_code="", month="2026-03")
    with pytest.raises(ValidationError) as exc:
        services.publish_month(actor=w["zhang"], region_code="", month="2026/03")
    assert "month" in exc.value.message_dict


def test_the_public_page_filters_by_region_category_conclusion_and_month(station_world):
    w = station_world
    tz = timezone.get_current_timezone()
    march, april = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=tz), datetime.datetime(2026, 4, 1, 0, 30, tzinfo=tz)
    make_result(w, product="甲酱油", published=march)
    make_result(w, product="乙米粉", category="grain", conclusion="fail", published=april)
    make_result(w, entity=w["other"], product="丙豆腐", published=march - datetime.timedelta(days=20))
    anon = Client()

    def shown(**q):
        page = anon.get(PUBLIC, q).content.decode()
        return {p for p in ("甲酱油", "乙米粉", "丙豆腐") if p in page}

    assert shown() == {"甲酱油", "乙米粉", "丙豆腐"}
    assert shown(region="370725107") == {"丙豆腐"}
    assert shown(category="grain") == {"乙米粉"}
    assert shown(conclusion="fail") == {"乙米粉"}
    assert shown(month="2026-03") == {"甲酱油", "丙豆腐"}


def test_keyset_pages_cover_every_result_once(station_world, settings):
    w = station_world
    DeadlineRule.objects.create(code="sampling.public_page_size", name="每页", region_prefix="", version=1,
                                unit="n", amount=2, valid_from=datetime.date(2024, 1, 1), source="测试")  # fmt: skip
    moment = timezone.now()
    made = {make_result(w, product=f"样品{i}", published=moment - datetime.timedelta(hours=i % 2)).pk for i in range(5)}
    seen, after, pages = [], "", 0
    anon = Client()
    while True:
        body = anon.get(OPEN, {"after": after} if after else {}).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        after = body["next"]
        if not after:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen)) and pages == 3


def test_the_open_api_needs_no_login_and_shows_no_people(station_world):
    w = station_world
    sample = make_result(w, conclusion="fail", published=timezone.now())
    close_disposal(sample).__class__.objects.update(published_at=timezone.now())
    response = Client().get(OPEN)
    assert response.status_code == 200
    item = response.json()["items"][0]
    assert item["entity_name"] == "宝都超市" and item["failed_items"][0]["item"] == "菌落总数"
    assert item["disposal"]["status"] == "closed"
    text = response.content.decode()
    for person in ("张抽样", "李抽样", "孙店长", "samplers", "created_by", "entity_signer"):
        assert person not in text


def test_the_open_api_refuses_bad_filters_with_a_message():
    response = Client().get(OPEN, {"month": "March"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"].endswith("month")


def test_the_open_api_is_rate_limited_per_client_address(settings):
    DeadlineRule.objects.create(code="open_api.per_minute", name="限额", region_prefix="", version=1, unit="n",
                                amount=3, valid_from=datetime.date(2024, 1, 1), source="测试")  # fmt: skip
    one, other = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    codes = [one.get(OPEN).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "频繁" in one.get(OPEN).json()["message"]
    assert other.get(OPEN).status_code == 200


def test_the_staff_publishing_page_publishes_one_and_a_month(station_world):
    w = station_world
    sample = make_result(w, product="鸡蛋", report_date=datetime.date(2026, 5, 3))
    client = Client()
    client.force_login(w["zhang"])
    assert "鸡蛋" in client.get(reverse("sampling:publishing")).content.decode()
    client.post(reverse("sampling:sample_publish", args=[sample.pk]))
    sample.refresh_from_db()
    assert sample.published_at is not None
    make_result(w, product="牛奶", report_date=datetime.date(2026, 6, 3))
    response = client.post(reverse("sampling:publish_month"), {"month": "2026-06"}, follow=True)
    assert "已公布 1 个样品" in response.content.decode()


def test_an_entity_the_public_page_shows_is_only_a_business(station_world):
    """Entity names are businesses' names; the page never reads people's fields of the entity."""
    w = station_world
    Entity.objects.filter(pk=w["shop"].pk).update(address="宝都路1号")
    make_result(w, published=timezone.now())
    assert "宝都路1号" not in Client().get(PUBLIC).content.decode()
