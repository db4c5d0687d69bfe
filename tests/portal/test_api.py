"""The public open-data API (docs/portal.md §3) at /api/public/v1/ and the old /api/open/v1/: establishments paged
and filtered, one establishment, ratings, published editions only, never a person; 429 with Retry-After; the
OpenAPI document; the nightly bulk files per county."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from shian.core.models import DeadlineRule
from shian.entities.models import Entity

from .world import ID_NUMBER, PEOPLE, PHONES

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.urls")]
API = "/api/public/v1"


def _get(path, **params):
    response = Client().get(f"{API}{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_establishments_are_listed_by_keyset_pages_without_deregistered_ones(portal_world):
    DeadlineRule.objects.create(code="portal.api_page_size", name="每页", region_prefix="", version=1, unit="n",
                                amount=1, valid_from=datetime.date(2024, 1, 1), source="测试")  # fmt: skip
    names, after = [], ""
    for _ in range(5):
        page = _get("/establishments", region="370725", after=after)
        names += [e["name"] for e in page["items"]]
        after = page["next"]
        if not after:
            break
    assert names == ["昌乐县福满楼酒店", "乔官镇便民超市"]


def test_establishments_filter_by_region_format_rating_and_updated_since(portal_world):
    assert [e["name"] for e in _get("/establishments", region="370725107")["items"]] == ["乔官镇便民超市"]
    assert [e["name"] for e in _get("/establishments", format="catering")["items"]] == ["昌乐县福满楼酒店"]
    rated = _get("/establishments", rating="excellent")["items"]
    assert [e["name"] for e in rated] == ["昌乐县福满楼酒店"]
    assert rated[0]["rating"]["level"] == "excellent" and rated[0]["rating"]["outcome"] == "conform"
    assert _get("/establishments", rating="average")["items"] == []  # only the unpublished inspection says average
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert _get("/establishments", updated_since=tomorrow.isoformat())["items"] == []
    Entity.objects.filter(pk=portal_world["shop"].pk).update(updated_at=timezone.now() + datetime.timedelta(days=2))
    assert [e["name"] for e in _get("/establishments", updated_since=tomorrow.isoformat())["items"]] == [
        "乔官镇便民超市"
    ]


def test_bad_filters_get_a_422_naming_the_field(portal_world):
    response = Client().get(f"{API}/establishments", {"region": "37' OR 1=1", "rating": "<script>"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert any("region" in f for f in fields) and any("rating" in f for f in fields)


def test_an_establishment_names_no_person_and_a_deregistered_one_is_404(portal_world):
    w = portal_world
    text = json.dumps(_get(f"/establishments/{w['restaurant'].pk}"), ensure_ascii=False)
    assert "昌乐县福满楼酒店" in text
    for secret in (*PEOPLE, *PHONES, ID_NUMBER, "周执法"):
        assert secret not in text
    assert Client().get(f"{API}/establishments/{w['gone'].pk}").status_code == 404


def test_ratings_list_published_inspections_only(portal_world):
    w = portal_world
    ids = [r["id"] for r in _get("/ratings")["items"]]
    assert ids == [w["new"].pk, w["old"].pk]


def test_only_published_editions_are_in_the_api(portal_world):
    w = portal_world
    assert [e["id"] for e in _get("/editions")] == [w["published"].pk]
    detail = _get(f"/editions/{w['published'].pk}")
    assert {(line["board"], line["establishment_name"]) for line in detail["lines"]} == {
        ("red", "昌乐县福满楼酒店"), ("black", "乔官镇便民超市")}  # fmt: skip
    assert Client().get(f"{API}/editions/{w['draft'].pk}").status_code == 404


def test_the_old_open_api_path_serves_the_same_operations(portal_world):
    response = Client().get("/api/open/v1/establishments", {"region": "370725107"})
    assert [e["name"] for e in response.json()["items"]] == ["乔官镇便民超市"]
    assert Client().get("/api/open/v1/sampling/results").status_code == 200


def test_the_openapi_document_lists_the_public_operations_under_the_new_path(portal_world):
    paths = _get("/openapi.json")["paths"]
    for path in ("/establishments", "/establishments/{pk}", "/ratings", "/editions", "/editions/{pk}",
                 "/sampling/results"):  # fmt: skip
        assert f"{API}{path}" in paths, path
    assert Client().get(f"{API}/docs").status_code == 200


@pytest.mark.parametrize("base", [API, "/api/open/v1"])
def test_a_client_over_the_api_limit_gets_429_with_retry_after(portal_world, base):
    DeadlineRule.objects.create(code="open_api.per_minute", name="限额", region_prefix="", version=1, unit="n",
                                amount=2, valid_from=datetime.date(2024, 1, 1), source="测试")  # fmt: skip
    cache.clear()
    client = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [client.get(f"{base}/establishments").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get(f"{base}/ratings")
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["message"] == "请求过于频繁，请稍后再试。"


def test_the_nightly_bulk_files_hold_a_county_and_download_sandboxed(portal_world, tmp_path):
    from shian.core.schedule import job

    with override_settings(VAR_DIR=tmp_path):
        result = job("portal.bulk_files").run(timezone.now())
        assert "rows=2" in result
        response = Client().get("/public/data/", {"county": "370725", "format": "csv"})
        assert response.status_code == 200 and "sandbox" in response["Content-Security-Policy"]
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "昌乐县福满楼酒店" in body and "excellent" in body
        for secret in (*PEOPLE, *PHONES, ID_NUMBER):
            assert secret not in body
        data = Client().get("/public/data/", {"county": "370725", "format": "json"})
        assert {row["name"] for row in json.loads(b"".join(data.streaming_content))["items"]} == {
            "昌乐县福满楼酒店", "乔官镇便民超市"}  # fmt: skip
        assert Client().get("/public/data/", {"county": "110105", "format": "csv"}).status_code == 404
        assert Client().get("/public/data/", {"county": "../etc", "format": "csv"}).status_code == 404
        assert "昌乐县" in Client().get("/public/api/").content.decode()
