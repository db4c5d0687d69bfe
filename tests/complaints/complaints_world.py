"""A county's small world for the complaint tests (docs/complaints.md): station 宝都所 covers 宝都街道 (two
inspectors), station 乔官所 covers 乔官镇 (one), a county administrator at 昌乐县, an entity in each township."""

import datetime

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.entities.models import Entity
from shian.entities.validators import make_uscc
from shian.inspections.models import Station


@pytest.fixture(name="county")
def county_fixture(make_user):
    baodu = Station.objects.create(code="S-BD", name="宝都市场监管所", region_id="370725")
    baodu.townships.add("370725001")
    qiaoguan = Station.objects.create(code="S-QG", name="乔官市场监管所", region_id="370725")
    qiaoguan.townships.add("370725107")
    zhang = make_user(Role.STATION_STAFF, "370725001", name="张所员")
    wang = make_user(Role.STATION_STAFF, "370725107", name="王所员")
    baodu.inspectors.add(zhang)
    qiaoguan.inspectors.add(wang)
    admin = make_user(Role.COUNTY_ADMIN, "370725", name="县局管理员")
    province = make_user(Role.PROVINCE_ADMIN, "37", name="省局管理员")
    shop = Entity.objects.create(
        name="宝都鲜果超市有限公司", uscc=make_uscc(region="370725", org_base="MA3C0001"), region_id="370725001001",
        business_type="sales", address="昌乐县宝都街道站前社区宝都路1号",
    )  # fmt: skip
    inn = Entity.objects.create(name="乔官老张家常菜馆", region_id="370725107201", business_type="catering",
                                address="昌乐县乔官镇乔官村乔官路2号")  # fmt: skip
    return {"baodu": baodu, "qiaoguan": qiaoguan, "zhang": zhang, "wang": wang, "admin": admin,
            "province": province, "shop": shop, "inn": inn}  # fmt: skip


def item_values(**changes) -> dict:
    """A complete hotline complaint as the clerk's form sends it."""
    values = {
        "kind": "complaint", "channel": "hotline", "category": "sale", "facts": "在该店购买的牛奶已过保质期，要求退货。",
        "received_at": timezone.now() - datetime.timedelta(hours=1), "entity_name": "宝都鲜果超市有限公司",
        "entity_address": "宝都街道站前社区宝都路1号", "informant_name": "王芳", "phone": "13805361234",
    }  # fmt: skip
    values.update(changes)
    return values
