"""The markets world (docs/markets.md): two markets of 昌乐县 — 站前市场 in 站前社区 (宝都街道) and 乔官市场 in 乔官村 —
each with its own enterprise account; the station staff of 宝都街道, the county administrator, a cadre (a reader),
an administrator of 博山区 (outside), and a registered stall operator in 站前社区."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.entities.models import BusinessType, Entity
from shian.markets.services import stalls as stall_services


@dataclass
class World:
    market: Entity
    other_market: Entity
    operator: Entity
    station: User
    other_station: User
    county: User
    cadre: User
    owner: User
    other_owner: User
    outsider: User


def make_market(name: str, region: str) -> Entity:
    return Entity.objects.create(name=name, region_id=region, business_type=BusinessType.MARKET,
                                 sub_type="farmers_market", address=f"{name}路1号")  # fmt: skip


@pytest.fixture
def world(make_user) -> World:
    market = make_market("站前市场", "370725001001")
    other = make_market("乔官市场", "370725107201")
    operator = Entity.objects.create(name="鲜丰蔬菜店", region_id="370725001001", business_type=BusinessType.SMALL,
                                     sub_type="stall", address="站前市场内", uscc="")  # fmt: skip
    return World(
        market=market, other_market=other, operator=operator,
        station=make_user(Role.STATION_STAFF, "370725001", username="station"),
        other_station=make_user(Role.STATION_STAFF, "370725107", username="station2"),
        county=make_user(Role.COUNTY_ADMIN, "370725", username="county"),
        cadre=make_user(Role.CADRE, "370725001001", username="cadre"),
        owner=make_user(Role.ENTERPRISE, "370725001001", username="owner", entity=market),
        other_owner=make_user(Role.ENTERPRISE, "370725107201", username="owner2", entity=other),
        outsider=make_user(Role.COUNTY_ADMIN, "370304", username="boshan"),
    )  # fmt: skip


def add_stall(actor, market, number, **fields):
    fields.setdefault("operator_name", "" if fields.get("operator_id") else "王秀兰")
    fields.setdefault("categories", ["vegetables"])
    fields.setdefault("active_from", timezone.localdate() - datetime.timedelta(days=30))
    return stall_services.add_stall(actor=actor, market=market, number=number, **fields)
