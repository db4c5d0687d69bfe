"""Rapid-test rooms (快检室, docs/sampling.md §5): registered per station, edited and deactivated with audit;
daily tests on a room page; counted apart from lab results in the sampling KPIs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.kpis import Grouping
from shian.core.models import AuditEntry
from shian.inspections.models import Station
from shian.sampling.kpis import count_public
from shian.sampling.models import RapidTest
from shian.sampling.services import rapid as services

from .public_setup import make_result
from .samples_setup import station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(name="boss")
def boss_fixture(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725", name="县局管理员")


@pytest.fixture(name="room")
def room_fixture(station_world, boss):
    return services.create_room(actor=boss, station=station_world["station"], name="宝都快检室",
                                since=datetime.date(2025, 1, 1))  # fmt: skip


def test_a_room_is_registered_edited_and_deactivated_with_audit(room, boss):
    services.update_room(actor=boss, room=room, name="宝都农贸市场快检室", since=room.since, active=False)
    actions = list(AuditEntry.objects.filter(object_id=str(room.pk), object_type="sampling.rapidtestroom")
                   .values_list("action", flat=True))  # fmt: skip
    assert actions.count("rapid.room_create") == 1 and actions.count("rapid.room_deactivate") == 1
    with pytest.raises(ValidationError, match="已停用"):
        services.record_test(actor=boss, room=room, day=timezone.localdate(), product="白菜", item="有机磷",
                             result="negative")  # fmt: skip


def test_a_room_needs_a_name_and_a_past_date(station_world, boss):
    with pytest.raises(ValidationError) as exc:
        services.create_room(actor=boss, station=station_world["station"], name="",
                             since=timezone.localdate() + datetime.timedelta(days=1))  # fmt: skip
    assert set(exc.value.message_dict) == {"name", "since"}


def test_only_staff_of_the_county_register_rooms(station_world, make_user):
    with pytest.raises(PermissionDenied):
        services.create_room(actor=make_user(Role.CADRE, "370725"), station=station_world["station"], name="x",
                             since=datetime.date(2025, 1, 1))  # fmt: skip
    outside = Station.objects.create(code="S-OUT", name="外省所", region_id="110105")
    with pytest.raises(Http404):
        services.create_room(actor=make_user(Role.COUNTY_ADMIN, "370725"), station=outside, name="x",
                             since=datetime.date(2025, 1, 1))  # fmt: skip


def test_a_test_names_each_bad_field(room, boss):
    with pytest.raises(ValidationError) as exc:
        services.record_test(actor=boss, room=room, day=datetime.date(2024, 12, 31), product="", item=" ",
                             result="maybe")  # fmt: skip
    assert set(exc.value.message_dict) == {"day", "product", "item", "result"}


def test_the_room_page_shows_a_days_tests_and_records_another(room, boss, station_world):
    day = timezone.localdate()
    services.record_test(actor=boss, room=room, day=day, product="韭菜", item="腐霉利", result="positive",
                         entity_id=station_world["shop"].pk)  # fmt: skip
    services.record_test(actor=boss, room=room, day=day - datetime.timedelta(days=1), product="芹菜",
                         item="毒死蜱", result="negative")  # fmt: skip
    client = Client()
    client.force_login(boss)
    page = client.get(reverse("sampling:rapid_room", args=[room.pk])).content.decode()
    assert "韭菜" in page and "宝都超市" in page and "芹菜" not in page and "阳性 1 批次" in page
    response = client.post(reverse("sampling:rapid_room", args=[room.pk]),
                           {"action": "test", "day": day.isoformat(), "product": "菠菜", "item": "有机磷",
                            "result": "negative"})  # fmt: skip
    assert response.status_code == 302 and RapidTest.objects.filter(product="菠菜").exists()
    bad = client.post(reverse("sampling:rapid_room", args=[room.pk]), {"action": "test", "day": "", "product": ""})
    assert bad.status_code == 422 and "请填写样品名称" in bad.content.decode()


def test_rapid_tests_are_counted_apart_from_lab_results(room, boss, station_world):
    today = timezone.localdate()
    for result in ("negative", "negative", "positive"):
        services.record_test(actor=boss, room=room, day=today, product="豆芽", item="6-苄基腺嘌呤", result=result)
    make_result(station_world, conclusion="fail", published=timezone.now())
    make_result(station_world, conclusion="pass")
    Station.objects.create(code="S-NONE", name="无快检室所", region_id="370725")
    parts = count_public(prefix="370725", grouping=Grouping(6), as_of=today)["370725"]
    assert parts["rapid_tests"] == 3 and parts["rapid_positive"] == 1
    assert parts["rapid_rooms"] == 1 and parts["rapid_covered"] == 1 and parts["rapid_stations"] == 3
    assert parts["pub_due"] == 2 and parts["pub_done"] == 1
