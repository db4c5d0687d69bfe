"""A county's small emergency world (docs/emergency.md): the county desk (a county administrator), the city
administrator above it, a station inspector of 宝都街道, an inspector of another county, and an entity."""

import datetime

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.entities.models import Entity


@pytest.fixture(name="world")
def world_fixture(make_user):
    return {
        "county": make_user(Role.COUNTY_ADMIN, "370725", name="县应急办"),
        "city": make_user(Role.CITY_ADMIN, "3707", name="市局"),
        "station": make_user(Role.STATION_STAFF, "370725001", name="宝都所"),
        "boshan": make_user(Role.STATION_STAFF, "370304001", name="博山所"),
        "auditor": make_user(Role.AUDITOR, "370725", name="审计"),
        "grid": make_user(Role.GRID_WORKER, "370725001001", name="网格员"),
        "canteen": Entity.objects.create(
            name="宝都小学食堂", region_id="370725001001", business_type="catering", address="宝都路3号"
        ),  # fmt: skip
    }


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def incident_values(world, **changes) -> dict:
    values = {
        "entity_id": world["canteen"].pk, "title": "宝都小学学生集体腹泻", "place": "宝都小学食堂",
        "summary": "午餐后 35 名学生腹痛腹泻，已送医。", "occurred_at": ago(hours=4), "aware_at": ago(hours=3),
        "affected": 35, "hospitalized": 6, "deaths": 0,
    }  # fmt: skip
    values.update(changes)
    return values


def opinion_values(world, **changes) -> dict:
    values = {
        "region_code": "370725001", "entity_id": world["canteen"].pk, "source_url": "https://weibo.example/p/1",
        "source_name": "微博", "title": "网传宝都小学食堂饭菜变质", "summary": "网帖称食堂使用过期食材。",
        "heat": 12000, "found_at": ago(hours=3),
    }  # fmt: skip
    values.update(changes)
    return values
