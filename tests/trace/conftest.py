"""The trace world (docs/trace.md): a food factory and a pig farm-to-market chain in 宝都街道 (站前社区), a wholesaler in
the same village, a market stall in 乔官村 (the other township), a business that never held anything, a business in
another province; their enterprise accounts, the station of 宝都街道, the county administrator and a county
administrator elsewhere (博山区)."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.entities.models import Entity
from shian.trace.models import Batch, Product
from shian.trace.services import catalog


@dataclass
class World:
    producer: Entity
    wholesaler: Entity
    stall: Entity
    bystander: Entity
    far: Entity
    producer_user: User
    wholesaler_user: User
    stall_user: User
    bystander_user: User
    station: User
    county: User
    outsider: User
    product: Product
    batch: Batch


def _entity(name, region, uscc):
    return Entity.objects.create(name=name, region_id=region, uscc=uscc, business_type="production",
                                 address=f"{name}地址")  # fmt: skip


@pytest.fixture
def world(make_user) -> World:
    producer = _entity("站前食品厂", "370725001001", "91370725MA3T000011")
    wholesaler = _entity("宝都批发部", "370725001001", "91370725MA3T000022")
    stall = _entity("乔官市场3号摊", "370725107201", "91370725MA3T000033")
    bystander = _entity("乔官超市", "370725107201", "91370725MA3T000044")
    far = _entity("朝阳食品店", "110105", "91110105MA3T000055")
    producer_user = make_user(Role.ENTERPRISE, "370725001001", username="factory", entity=producer)
    product = catalog.create_product(actor=producer_user, producer=producer, name="手工挂面", spec="500g",
                                     unit="袋", gtin="6901234567892")  # fmt: skip
    batch = catalog.create_batch(actor=producer_user, product=product, batch_number="20261101A",
                                 produced_on=datetime.date(2026, 11, 1), quantity=100,
                                 now=timezone.make_aware(datetime.datetime(2026, 11, 2, 9)))  # fmt: skip
    return World(
        producer=producer, wholesaler=wholesaler, stall=stall, bystander=bystander, far=far,
        producer_user=producer_user,
        wholesaler_user=make_user(Role.ENTERPRISE, "370725001001", username="wholesale", entity=wholesaler),
        stall_user=make_user(Role.ENTERPRISE, "370725107201", username="stall", entity=stall),
        bystander_user=make_user(Role.ENTERPRISE, "370725107201", username="bystander", entity=bystander),
        station=make_user(Role.STATION_STAFF, "370725001", username="station"),
        county=make_user(Role.COUNTY_ADMIN, "370725", username="county"),
        outsider=make_user(Role.COUNTY_ADMIN, "370304", username="boshan"),
        product=product, batch=batch,
    )  # fmt: skip
