"""The entity search of the incident and opinion forms (docs/emergency.md §5): the complaints intake's matcher
(name, USCC, address; fuzzy inside the township the address names) scoped to the user's jurisdiction, the clerk
confirming one candidate; an entity outside the jurisdiction is refused with a message naming it."""

import pytest
from django.test import Client
from django.utils import timezone

from shian.complaints.selectors.entities import entity_candidates
from shian.emergency.models import Incident, Opinion
from shian.entities.models import Entity

from .emergency_setup import ago, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_name_written_differently_is_found_in_the_township_the_address_names_and_only_in_reach(world):
    Entity.objects.create(name="宝都小学小卖部", region_id="370725001001", business_type="sales", address="宝都路5号")
    found = entity_candidates(user=world["station"], name="宝都小学饭堂", address="宝都街道宝都路3号")
    assert found[0].entity == world["canteen"] and found[0].match == "fuzzy"
    exact = entity_candidates(user=world["station"], name="宝都小学食堂")
    assert exact[0].entity == world["canteen"] and exact[0].match == "matched"
    similar = entity_candidates(user=world["station"], name="宝都小学")
    assert {c.entity.name for c in similar} == {"宝都小学食堂", "宝都小学小卖部"} and {c.match for c in similar} == {
        "similar"
    }
    assert entity_candidates(user=world["boshan"], name="宝都小学食堂", address="宝都街道宝都路3号") == []
    assert entity_candidates(user=world["station"]) == []  # nothing typed


def test_the_clerk_finds_the_entity_on_the_incident_form_and_saves_the_one_confirmed(world):
    client = _client(world["station"])
    values = {"title": "学生腹泻", "summary": "午餐后腹泻", "affected": "12", "occurred_at": _local(ago(hours=2)),
              "aware_at": _local(ago(hours=1)), "entity_name": "宝都小学饭堂", "entity_address": "宝都街道宝都路3号"}  # fmt: skip
    page = client.post("/emergency/incidents/new/", {**values, "action": "find"})
    text = page.content.decode()
    assert page.status_code == 200 and not Incident.objects.exists()  # a search saves nothing
    assert "宝都小学食堂" in text and "模糊匹配待确认" in text and f'value="{world["canteen"].pk}" checked' in text
    assert 'value="学生腹泻"' in text  # what was typed is kept
    answer = client.post("/emergency/incidents/new/", {**values, "entity": world["canteen"].pk})
    assert answer.status_code == 302 and Incident.objects.get().entity == world["canteen"]


def test_a_search_with_no_match_says_so_and_the_form_saves_without_an_entity(world):
    client = _client(world["station"])
    text = client.post("/emergency/opinions/new/", {"action": "find", "entity_name": "不存在的饭店"}).content.decode()
    assert "本辖区内未找到匹配的主体" in text
    answer = client.post("/emergency/opinions/new/", {
        "title": "网传饭店卫生差", "summary": "网帖", "source_url": "https://weibo.example/p/2", "region": "370725001",
        "found_at": _local(ago(hours=1)), "entity": ""})  # fmt: skip
    assert answer.status_code == 302 and Opinion.objects.get().entity is None


def test_an_entity_outside_the_jurisdiction_is_refused_with_a_message(world):
    client = _client(world["boshan"])
    answer = client.post("/emergency/opinions/new/", {
        "title": "网传食堂变质", "summary": "网帖", "source_url": "https://weibo.example/p/3",
        "found_at": _local(ago(hours=1)), "entity": world["canteen"].pk})  # fmt: skip
    assert answer.status_code == 422 and "主体不存在或不在您的管辖范围内" in answer.content.decode()
    assert not Opinion.objects.exists()
    page = client.post("/emergency/opinions/new/", {"action": "find", "entity_name": "宝都小学食堂"}).content.decode()
    assert "本辖区内未找到匹配的主体" in page and f'value="{world["canteen"].pk}"' not in page
