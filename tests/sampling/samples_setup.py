"""A station's small world for the sample tests (docs/sampling.md §3): station 宝都所 covers 宝都街道 with two
inspectors, station 乔官所 covers 乔官镇 with one, a lab with one staff account, an entity in each township."""

import datetime
import uuid

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.entities.models import Entity
from shian.inspections.models import Station
from shian.sampling.models import Lab


@pytest.fixture(name="station_world")
def station_world_fixture(make_user):
    baodu = Station.objects.create(code="S-BD", name="宝都市场监管所", region_id="370725")
    baodu.townships.add("370725001")
    qiaoguan = Station.objects.create(code="S-QG", name="乔官市场监管所", region_id="370725")
    qiaoguan.townships.add("370725107")
    zhang = make_user(Role.STATION_STAFF, "370725001", name="张抽样")
    li = make_user(Role.STATION_STAFF, "370725001", name="李抽样")
    wang = make_user(Role.STATION_STAFF, "370725107", name="王乔官")
    baodu.inspectors.add(zhang, li)
    qiaoguan.inspectors.add(wang)
    lab = Lab.objects.create(name="潍坊市食品药品检验研究院", code="LAB-WF", region_id="370725")
    chemist = make_user(Role.STATION_STAFF, "370725001", name="赵检验")
    baodu.inspectors.add(chemist)  # even an inspector of the station: a lab's staff never samples
    lab.staff.add(chemist)
    shop = Entity.objects.create(name="宝都超市", region_id="370725001001", business_type="sales", address="宝都路1号")
    other = Entity.objects.create(
        name="乔官饭店", region_id="370725107201", business_type="catering", address="乔官路2号"
    )
    return {"station": baodu, "zhang": zhang, "li": li, "wang": wang, "chemist": chemist, "lab": lab, "shop": shop,
            "other": other}  # fmt: skip


def sample_values(world, **changes) -> dict:
    """A complete sample as the form or the API sends it."""
    values = {
        "entity": world["shop"], "client_key": uuid.uuid4(), "category": "condiment", "kind": "supervision",
        "product": "酱油", "brand": "海天", "spec": "500mL/瓶", "batch_number": "2026-11-20", "quantity": "6瓶",
        "backup_quantity": "3瓶", "producer_name": "佛山市海天调味食品股份有限公司",
        "producer_address": "广东省佛山市文沙路16号", "producer_uscc": "914406006176216246",
        "lab_id": world["lab"].pk, "sampler_ids": [world["li"].pk],
        "sampled_at": timezone.now() - datetime.timedelta(hours=1), "entity_signer": "孙店长",
    }  # fmt: skip
    values.update(changes)
    return values
