"""The 明厨亮灶 registry (docs/inspections.md §6): the station registers, edits and stops an entity's platform link
(audited, scoped); bad input is refused naming the field; the coverage table counts live links per category
against the targets from the rule store; the page links out (rel=noopener) and shows no video."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from shian.core.models import AuditEntry, DeadlineRule
from shian.inspections.models import KitchenLink
from shian.inspections.selectors import kitchens as selectors
from shian.inspections.services import kitchens

from .grading_world import grading_world, make_entity

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def gw(make_user):
    return grading_world(make_user)


def link(actor, entity, channel="CH-1", **fields):
    fields = {
        "platform": "阳光厨房",
        "channel_id": channel,
        "since": DAY,
        "url": "https://live.example.com/1",
        **fields,
    }
    return kitchens.create_link(actor=actor, entity_id=entity.pk, **fields)


def test_the_station_registers_edits_and_stops_a_link(gw):
    school = make_entity(name="实验小学食堂", business_type="canteen", sub_type="school_canteen")
    created = link(gw.station, school)
    assert created.status == "online" and created.entity == school
    kitchens.update_link(
        actor=gw.station, link_id=created.pk, platform="阳光厨房", channel_id="CH-1", since=DAY, status="offline"
    )
    created.refresh_from_db()
    assert created.status == "offline" and created.url == ""
    kitchens.stop_link(actor=gw.station, link_id=created.pk)
    created.refresh_from_db()
    assert created.status == "stopped"
    with pytest.raises(ValidationError, match="已停用"):
        kitchens.stop_link(actor=gw.station, link_id=created.pk)
    actions = list(AuditEntry.objects.filter(action__startswith="kitchen.").values_list("action", flat=True))
    assert sorted(actions) == ["kitchen.create", "kitchen.stop", "kitchen.update"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"platform": " "}, "platform", "请填写平台名称。"),
        ({"channel_id": ""}, "channel_id", "请填写通道编号。"),
        ({"url": "javascript:alert(1)"}, "url", "查看地址应为 http:// 或 https:// 开头的网址。"),
        ({"since": datetime.date(2099, 1, 1)}, "since", "接入日期不能晚于今天。"),
        ({"status": "live"}, "status", "状态应为在线、离线或已停用。"),
    ],
)
def test_bad_input_is_refused_naming_the_field(gw, fields, field, message):
    shop = make_entity()
    with pytest.raises(ValidationError) as exc:
        link(gw.station, shop, **fields)
    assert exc.value.message_dict[field] == [message]
    assert not KitchenLink.objects.exists()


def test_a_channel_is_registered_once(gw):
    link(gw.station, make_entity(name="甲"))
    with pytest.raises(ValidationError) as exc:
        link(gw.station, make_entity(name="乙"))
    assert exc.value.message_dict["channel_id"] == ["平台“阳光厨房”的通道 CH-1 已登记。"]


def test_only_the_station_and_only_in_its_jurisdiction(gw):
    shop = make_entity()
    far = make_entity(name="博山饭店", region="370304001")
    with pytest.raises(PermissionDenied):
        link(gw.cadre, shop)
    with pytest.raises(Http404):
        link(gw.station, far)
    other = link(gw.outsider, far)
    with pytest.raises(Http404):
        kitchens.stop_link(actor=gw.station, link_id=other.pk)


def test_coverage_by_category_against_the_targets(gw):
    schools = [make_entity(name=f"学校{n}", business_type="canteen", sub_type="school_canteen") for n in range(4)]
    hospital = make_entity(name="医院食堂", business_type="canteen", sub_type="hospital_canteen")
    for n, school in enumerate(schools[:3]):
        link(gw.station, school, channel=f"S{n}")
    kitchens.stop_link(actor=gw.station, link_id=link(gw.station, schools[3], channel="S9").pk)  # stopped: not live
    link(gw.station, hospital, channel="H1", status="offline")  # offline still counts as connected
    rows = {row.key: row for row in selectors.coverage(user=gw.county_admin, region_code="370725")}
    assert (rows["school"].entities, rows["school"].linked, rows["school"].pct) == (4, 3, 75.0)
    assert rows["school"].target == 95 and rows["school"].short
    assert (rows["hospital"].linked, rows["hospital"].target, rows["hospital"].short) == (1, 70, False)
    assert rows["catering"].entities == 1 and rows["catering"].target is None  # the enterprise's own restaurant
    DeadlineRule.objects.create(
        code="inspections.kitchen_school_pct", name="目标", region_prefix="370725", version=1, unit="n", amount=70,
        valid_from=datetime.date(2020, 1, 1), source="县定目标",
    )  # fmt: skip
    rows = {row.key: row for row in selectors.coverage(user=gw.county_admin, region_code="370725")}
    assert rows["school"].target == 70 and not rows["school"].short


def test_the_page_links_out_and_is_for_regulators(gw):
    link(gw.station, make_entity(name="阳光饭店"))
    client = Client()
    client.force_login(gw.county_admin)
    text = client.get(reverse("inspections:kitchens")).content.decode()
    assert "阳光饭店" in text and 'rel="noopener noreferrer"' in text and "<video" not in text
    assert "学校、幼儿园食堂" in text and "≥95%" in text
    boss = Client()
    boss.force_login(gw.enterprise)
    assert boss.get(reverse("inspections:kitchens")).status_code == 403


def test_the_create_form_shows_service_errors(gw):
    shop = make_entity()
    client = Client()
    client.force_login(gw.station)
    response = client.post(
        reverse("inspections:kitchen_create"),
        {"entity_id": shop.pk, "platform": "阳光厨房", "channel_id": "A1", "since": "2099-01-01", "status": "online"},
    )
    assert response.status_code == 200 and "接入日期不能晚于今天。" in response.content.decode()
    response = client.post(
        reverse("inspections:kitchen_create"),
        {"entity_id": shop.pk, "platform": "阳光厨房", "channel_id": "A1", "since": "2026-01-01", "status": "online"},
    )
    assert response.status_code == 302 and KitchenLink.objects.get().entity == shop


def test_an_enterprise_account_sees_only_its_own_links_read_only(gw):
    link(gw.station, gw.enterprise.entity, channel="OWN-1")
    link(gw.station, make_entity(name="邻店"), channel="NEXT-1")
    boss = Client()
    boss.force_login(gw.enterprise)
    text = boss.get(reverse("inspections:kitchen_mine")).content.decode()
    assert "OWN-1" in text and "NEXT-1" not in text
    assert boss.get(reverse("inspections:kitchen_create")).status_code == 403
    staff = Client()
    staff.force_login(gw.station)
    assert staff.get(reverse("inspections:kitchen_mine")).status_code == 403
